package io.nettyaio.channel;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.nettyaio.linux.AioAbi;
import io.nettyaio.linux.IovecArray;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The io_uring engine: requests become SQEs on Netty's io_uring ring ({@link IoUringRing}), and completions come back
 * through our {@code IoUringIoHandle} to {@link #onCompletion}. Netty gives a handle 16 bits of user data per
 * operation: that is the slot index here, so at most {@value #MAX_SLOTS} requests of one engine are in the ring at
 * once and the rest wait in order (back-pressure), as with Linux AIO.
 *
 * <p>Unlike Linux AIO, io_uring never blocks the submitter: buffered reads that miss the page cache and writes that
 * must wait are punted to the kernel's own workers. So there is no RWF_NOWAIT and no cached-read fast path here; the
 * {@link BlockingLane} only takes allocate (reserve, then extend: two calls) and truncate on kernels without
 * {@code IORING_OP_FTRUNCATE}.
 *
 * <p>Completions are <em>recorded</em> while Netty's ring runs and handled once the run has returned
 * ({@link IoUringRing#afterRun}): results, listeners, and the requests those make, whose SQEs then go to Netty at
 * once. On our own loop the ring is submitted every {@value #SUBMIT_EVERY} handled completions
 * ({@link IoUringRing#submitNow}), so the device gets the first re-issued requests while the rest of a burst is
 * handled: a burst of 32 completions used to go back as one submission of 32, the device idle while the kernel
 * prepared them (O_DIRECT reads on the disk at depth 32: 0.8× fio). One handling takes at most what was recorded
 * when it began plus {@link #refillsPerRun} more ({@value #MAX_REFILLS_PER_RUN} at most), and stops at the first
 * submission after {@link #HANDLING_BUDGET_NANOS} (250 µs): a chain of handlers whose reads complete during their own
 * submission (cached buffered reads, zram) cannot keep the loop from its tasks, nor can submissions that do much
 * of the kernel's work inline (1 MiB reads on zram, ~130 µs each: stalls of 5-52 ms before the time bound); what is
 * left waits for the next turn, and the loop does not sleep meanwhile ({@link #hasCompletions}).
 *
 * <p>Loop thread only: the loop of the ring.
 */
final class IoUringEngine extends AbstractIoEngine {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(IoUringEngine.class);
    static final String NAME = AioEngines.IO_URING;
    /** Slot indices go into a signed 16-bit field. */
    static final int MAX_SLOTS = Short.MAX_VALUE + 1;

    // io_uring opcodes (include/uapi/linux/io_uring.h); Netty keeps its own package-private
    static final byte OP_READV = 1;
    static final byte OP_WRITEV = 2;
    static final byte OP_FSYNC = 3;
    static final byte OP_READ = 22;
    static final byte OP_WRITE = 23;
    static final byte OP_FTRUNCATE = 55;
    static final int FSYNC_DATASYNC = 1;
    /** Completions one handling may take beyond those recorded when it began, at most. */
    static final int MAX_REFILLS_PER_RUN = 256;
    /** While handling completions on our own loop, the ring is submitted every this many. */
    static final int SUBMIT_EVERY = 4;
    /** One handling stops at the first submission after this long; the rest waits for the loop's next turn. */
    static final long HANDLING_BUDGET_NANOS = TimeUnit.MICROSECONDS.toNanos(250);
    /** The kernel's cap on one read or write (MAX_RW_COUNT), page-aligned; a longer request continues. */
    private static final int MAX_RW_COUNT = Integer.MAX_VALUE & ~4095;

    /** @return {@code queueDepth} within what 16 bits of slot data can name */
    static int slotsFor(int queueDepth) {
        return Math.min(queueDepth, MAX_SLOTS);
    }

    private final IoUringRing ring;
    private final IoRequest[] slots;
    private final IovecArray[] iovecs;
    private final int[] free;
    private int freeCount;
    private final boolean ftruncateSupported;
    private final IovecFiller filler = new IovecFiller();
    /** Completions one handling may take beyond those recorded when it began. */
    private final int refillsPerRun;
    /** Completions recorded during the ring's runs and not yet handled: a circular queue of slot and result. */
    private final int[] recordedSlots;
    private final int[] recordedResults;
    private int recordedHead;
    private int recordedCount;
    private final Runnable handleRecorded = this::handleRecorded;
    private boolean handleScheduled;
    /** {@link #HANDLING_BUDGET_NANOS}, or what a test set. */
    private long handlingBudgetNanos = HANDLING_BUDGET_NANOS;
    /** What the driver does once the ring holds none of our requests after close (close the files). */
    private Runnable afterKernelIdle;

    /**
     * @param capacity requests in the ring at once, 1 to {@value #MAX_SLOTS}
     * @param ftruncateSupported whether this kernel has IORING_OP_FTRUNCATE (6.9+): else truncate runs on a thread
     */
    IoUringEngine(EventExecutor loop, int capacity, IoUringRing ring, boolean ftruncateSupported,
                  BlockingIoExecutor blocking) {
        super(NAME, loop, blocking, new AioMetrics(NAME));
        if (capacity < 1 || capacity > MAX_SLOTS) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: 1.." + MAX_SLOTS + ")");
        }
        this.ring = ring;
        this.ftruncateSupported = ftruncateSupported;
        this.slots = new IoRequest[capacity];
        this.iovecs = new IovecArray[capacity];
        this.free = new int[capacity];
        this.recordedSlots = new int[capacity];
        this.recordedResults = new int[capacity];
        this.refillsPerRun = Math.min(capacity, MAX_REFILLS_PER_RUN);
        for (int i = capacity - 1; i >= 0; i--) {
            free[freeCount++] = i;
        }
    }

    @Override
    public int capacity() {
        return slots.length;
    }

    @Override
    public FileIo openFile(Path path, OpenOptions options) throws IOException {
        return NativeFileIo.open(path, options);
    }

    @Override
    void route(IoRequest r, boolean continuation) {
        switch (RequestRouter.route(r, continuation, freeCount, !waiting.isEmpty(), false,
                RequestRouter.ioUringCan(r, ftruncateSupported))) {
            case RequestRouter.KERNEL_SLOT:
                submitToRing(r);
                break;
            case RequestRouter.QUEUE:
            case RequestRouter.QUEUE_FIRST:
                waitForSlot(r, continuation);
                break;
            default:
                toBlocking(r);
        }
    }

    private void submitToRing(IoRequest r) {
        if (!start(r)) {
            return;
        }
        int slot = free[--freeCount];
        slots[slot] = r;
        kernelStarted();
        metrics.recordSubmit(1, 0, 0, 0, 0);
        pushSqe(r, slot);
    }

    /** Hands the SQE of the request in {@code slot} to Netty; a refusal fails the request and frees the slot. */
    private void pushSqe(IoRequest r, int slot) {
        Throwable refused;
        try {
            if (submitSqe(r, slot) != 0) {
                return;
            }
            refused = new ClosedChannelException(); // the registration is gone: the loop is shutting down
        } catch (Throwable t) {
            refused = t;
        }
        slots[slot] = null;
        free[freeCount++] = slot;
        kernelFinished();
        finish(r, refused);
    }

    private long submitSqe(IoRequest r, int slot) {
        int fd = ((NativeFileIo) r.file().io()).fd(); // files of this engine are opened by openFile: always native
        short data = (short) slot;
        short prio = r.ioPriority();
        switch (r.kind()) {
            case IoRequest.FSYNC:
                return ring.submit(OP_FSYNC, fd, 0, 0, 0, 0, prio, data);
            case IoRequest.FDATASYNC:
                return ring.submit(OP_FSYNC, fd, 0, 0, 0, FSYNC_DATASYNC, prio, data);
            case IoRequest.TRUNCATE:
                return ring.submit(OP_FTRUNCATE, fd, r.offset(), 0, 0, 0, prio, data);
            default:
                break;
        }
        boolean read = r.isRead();
        long address = r.contiguousAddress();
        if (address != 0) {
            int length = (int) Math.min(r.remaining(), MAX_RW_COUNT);
            return ring.submit(read ? OP_READ : OP_WRITE, fd, r.offset(), address, length, r.rwFlags(), prio, data);
        }
        IovecArray iov = iovecs[slot];
        if (iov == null) {
            iov = iovecs[slot] = new IovecArray(AioAbi.MAX_IOV);
        }
        int count = filler.fill(iov, r);
        return ring.submit(read ? OP_READV : OP_WRITEV, fd, r.offset(), iov.address(), count, r.rwFlags(), prio,
                data);
    }

    /**
     * A completion from the ring, on the loop thread, during the ring's run: recorded, and handled once the run has
     * returned. A slot completes at most once until it is handed out again, which happens only after its completion
     * was handled: the queue never holds more than the ring's capacity.
     */
    void onCompletion(int data, int res) {
        int tail = (recordedHead + recordedCount) % recordedSlots.length;
        recordedSlots[tail] = data & 0xFFFF;
        recordedResults[tail] = res;
        recordedCount++;
        if (!handleScheduled) {
            handleScheduled = true;
            ring.afterRun(handleRecorded);
        }
    }

    /** Tests: how long one handling may take ({@link #HANDLING_BUDGET_NANOS} by default). */
    void handlingBudgetNanos(long nanos) {
        handlingBudgetNanos = nanos;
    }

    /** @return whether recorded completions wait to be handled: then the loop must not sleep */
    @Override
    public boolean hasCompletions() {
        return recordedCount > 0;
    }

    /** @return whether this engine drives its ring (our own loop), so that {@link #pollCompletions} can look */
    @Override
    public boolean canPollCompletions() {
        return ring.isDrivenByEngine();
    }

    /**
     * Submits what is queued and records the ready completions, without waiting ({@code io_uring_enter} with no
     * minimum: with {@code DEFER_TASKRUN} the kernel posts completions only then); they are handled after the ring's
     * next run, in the loop's next turn.
     */
    @Override
    public boolean pollCompletions() {
        ring.submitNow();
        return recordedCount > 0;
    }

    /** After the ring's run: handles what it recorded, in order, submitting the ring now and then; see the class. */
    private void handleRecorded() {
        handleScheduled = false;
        int budget = recordedCount + refillsPerRun;
        long deadline = System.nanoTime() + handlingBudgetNanos;
        int sinceSubmit = 0;
        while (recordedCount > 0 && budget-- > 0) {
            int slot = recordedSlots[recordedHead];
            int res = recordedResults[recordedHead];
            recordedHead = (recordedHead + 1) % recordedSlots.length;
            recordedCount--;
            complete(slot, res);
            if (++sinceSubmit == SUBMIT_EVERY && recordedCount > 0) {
                sinceSubmit = 0;
                ring.submitNow(); // may record more completions, handled in this loop within the budget
                if (System.nanoTime() - deadline >= 0) {
                    break;
                }
            }
        }
        if (recordedCount > 0 && !handleScheduled) { // the budget ran out: the rest after the ring's next run
            handleScheduled = true;
            ring.afterRun(handleRecorded);
        }
    }

    private void complete(int slot, int res) {
        IoRequest r = slot < slots.length ? slots[slot] : null;
        if (r == null) {
            logger.debug("io_uring completion for a free slot {} (res {}): ignored", slot, res);
            return;
        }
        slots[slot] = null;
        free[freeCount++] = slot;
        kernelFinished();
        onResult(r, res, false);
        IoRequest next;
        while (freeCount > 0 && (next = waiting.poll()) != null) {
            submitToRing(next);
        }
        if (inFlight == 0 && afterKernelIdle != null) {
            runAfterKernelIdle();
        }
    }

    @Override
    public void afterKernelIdle(Runnable action) {
        afterKernelIdle = action;
        if (inFlight == 0) {
            runAfterKernelIdle();
        }
    }

    private void runAfterKernelIdle() {
        Runnable action = afterKernelIdle;
        afterKernelIdle = null;
        freeIovecs();
        action.run();
    }

    @Override
    public void flush() {
        ring.run(0); // our own loop: submit what this turn queued; on Netty's loop, Netty does it
    }

    @Override
    public void reap() {
        metrics.recordReap();
        ring.run(0);
    }

    /**
     * Fails what waits, and lets what is in the ring finish: on our own loop by driving the ring until it is empty;
     * on Netty's loop its completions keep arriving while Netty shuts the ring down (Netty drains it first).
     */
    @Override
    public void close() {
        if (!beginClose()) {
            return;
        }
        if (ring.isDrivenByEngine()) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (inFlight > 0 && System.nanoTime() - deadline < 0) {
                ring.run(TimeUnit.MILLISECONDS.toNanos(10));
            }
        }
        lane.awaitIdle();
    }

    /**
     * The ring is gone with requests still in it (Netty tears the ring down after a bounded drain): no completion
     * will come. Their promises fail; their buffers and iovecs stay allocated, since the kernel may still be
     * finishing with them.
     */
    void abandonInFlight() {
        while (recordedCount > 0) { // these did complete
            handleRecorded();
        }
        for (int slot = 0; slot < slots.length; slot++) {
            IoRequest r = slots[slot];
            if (r != null) {
                slots[slot] = null;
                kernelFinished();
                metrics.recordFailed();
                FileState file = r.file();
                r.abandon(new ClosedChannelException());
                file.requestFinished();
            }
        }
        if (afterKernelIdle != null) {
            Runnable action = afterKernelIdle; // the iovecs stay: the kernel may still read them
            afterKernelIdle = null;
            action.run();
        }
    }

    /** Only once the kernel is done with every request that used them. */
    private void freeIovecs() {
        for (int i = 0; i < iovecs.length; i++) {
            if (iovecs[i] != null) {
                iovecs[i].free();
                iovecs[i] = null;
            }
        }
    }
}
