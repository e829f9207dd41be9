package io.nettyaio.channel;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.InternalThreadLocalMap;
import io.nettyaio.linux.AioContext;
import io.nettyaio.linux.CompletionHandler;
import io.nettyaio.linux.EventFd;
import io.nettyaio.linux.IocbArray;
import io.nettyaio.linux.IovecArray;
import io.nettyaio.linux.LinuxAio;
import io.nettyaio.linux.NativeIoException;
import io.nettyaio.linux.SubmissionQueue;
import io.nettyaio.linux.SubmitErrorHandler;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;

/**
 * The Linux AIO engine: one AIO context, a {@link SlotTable} of iocbs (as many as the context guarantees), a queue
 * of requests waiting for a slot (back-pressure), and a {@link SubmissionQueue}. Requests are prepared into slots as
 * they arrive; {@link #flush()} submits everything prepared since the last flush in one {@code io_submit} (at the
 * end of each loop turn, and earlier when the {@link SubmitPolicy} says so). {@link #reap()} consumes every ready
 * event from the ring and gives freed slots to waiting requests.
 *
 * <p>Never blocking the loop: reads and writes carry {@code RWF_NOWAIT}; what the kernel would wait for goes to the
 * {@link BlockingLane} (see {@link ResultClassifier}). Buffered reads first try a synchronous
 * {@code preadv2(RWF_NOWAIT)}: a page-cache hit is one system call, with no io_submit and no eventfd wake-up. Where
 * {@code preadv2} is refused (ENOSYS, EPERM: a seccomp profile), by the availability probe or on a read, that path is
 * off for the process, and the read that met the refusal goes on the usual way.
 *
 * <p>The eventfd belongs to the {@link LoopDriver}. How the engine sleeps until something completes is its
 * {@link CompletionWait}: on that eventfd, which every iocb signals ({@link #open}), or in {@code io_getevents}
 * ({@link #openWaitingInGetevents}, for a loop that sleeps in {@link #awaitCompletions}). Loop thread only.
 */
final class LinuxAioEngine extends AbstractIoEngine implements CompletionHandler, SubmitErrorHandler {
    static final String NAME = "linux-aio";
    /**
     * System property: submit as soon as this many requests are prepared, besides the end of the loop turn (0: only
     * at the end of the turn). Unset, the default, adapts ({@link SubmitPolicy}). BENCHMARKS.md has them measured.
     */
    static final String SUBMIT_BATCH_PROP_NAME = "io.nettyaio.submitBatch";
    private static final int SUBMIT_BATCH = Integer.getInteger(SUBMIT_BATCH_PROP_NAME, -1);
    /** System property: {@code true} sends buffered reads to the kernel as AIO even when the page cache has them. */
    static final String NO_CACHED_READ_FAST_PATH_PROP_NAME = "io.nettyaio.noCachedReadFastPath";
    private static final boolean CACHED_READ_FAST_PATH = !Boolean.getBoolean(NO_CACHED_READ_FAST_PATH_PROP_NAME);
    /** How deep completions may nest when a handler issues the next cached read from inside the last one. */
    private static final int MAX_SYNC_DEPTH = 8;
    /**
     * Netty's listener nesting ({@code futureListenerStackDepth}) from which cached reads go to the kernel (which
     * answers them from the cache as well) instead of completing at once. A read completed at once has its promise
     * done before the caller adds a listener, which then runs inside {@code addListener}; a listener that reads
     * again nests one level deeper, and at 8 Netty continues the chain through the loop's task queue. An epoll
     * loop runs tasks for up to a second per turn and takes due scheduled tasks only at the start of one, so 16
     * such chains kept a scheduled task waiting for a second. Through the kernel, a chain moves at the pace of the
     * loop's turns, and a read asked for outside any listener (a new HTTP request, say) still completes at once.
     */
    private static final int MAX_LISTENER_DEPTH_FOR_INLINE = 4;
    /** preadv2 was refused in this process: the cached-read path is off for every loop. */
    private static volatile boolean cachedReadsRefused;

    private final EventExecutor loop;
    private final AioContext context;
    private final CompletionWait wait;
    private final SlotTable slots;
    private final SubmissionQueue submissions;
    private final SubmitPolicy submitPolicy = new SubmitPolicy(SUBMIT_BATCH);
    /** The number of the next io_submit, which {@link SlotTable} records for each iocb prepared for it. */
    private int submissionNumber;
    /** The submission whose completions {@link #inCountedSubmission} accepts, set after its io_submit returns. */
    private int countedSubmission;
    private final LongPredicate inCountedSubmission = this::inCountedSubmission;
    private final IovecArray cachedReadIov;
    private int syncDepth;

    private LinuxAioEngine(EventExecutor loop, BlockingIoExecutor blocking, AioMetrics metrics, AioContext context,
                           CompletionWait wait, SlotTable slots, SubmissionQueue submissions,
                           IovecArray cachedReadIov) {
        super(NAME, loop, blocking, metrics);
        this.loop = loop;
        this.context = context;
        this.wait = wait;
        this.slots = slots;
        this.submissions = submissions;
        this.cachedReadIov = cachedReadIov;
    }

    /**
     * Opens the context and allocates the native memory, all or nothing: on failure nothing stays open. Every iocb
     * signals {@code eventFd}.
     *
     * @param eventFd the eventfd completions signal; the caller keeps owning it
     * @param metrics the loop's counters
     */
    static LinuxAioEngine open(EventExecutor loop, int capacity, EventFd eventFd, BlockingIoExecutor blocking,
                               AioMetrics metrics) throws NativeIoException {
        return open(loop, capacity, blocking, metrics, 0, context -> new EventFdWait(eventFd));
    }

    /**
     * Like {@link #open}, for a loop that sleeps in {@link #awaitCompletions}: iocbs signal no eventfd, and the
     * loop waits in {@code io_getevents} ({@link GeteventsWait}); {@code eventFd} only wakes it from other threads.
     */
    static LinuxAioEngine openWaitingInGetevents(EventExecutor loop, int capacity, EventFd eventFd,
                                                 BlockingIoExecutor blocking, AioMetrics metrics)
            throws NativeIoException {
        // More context slots, for the wait's poll iocbs
        return open(loop, capacity, blocking, metrics, GeteventsWait.POLL_IOCBS,
                context -> GeteventsWait.open(context, eventFd, capacity + GeteventsWait.POLL_IOCBS, metrics));
    }

    private interface WaitFactory {
        CompletionWait create(AioContext context) throws NativeIoException;
    }

    private static LinuxAioEngine open(EventExecutor loop, int capacity, BlockingIoExecutor blocking,
                                       AioMetrics metrics, int reservedSlots, WaitFactory waits)
            throws NativeIoException {
        AioContext context = null;
        IocbArray iocbs = null;
        SubmissionQueue submissions = null;
        IovecArray cachedReadIov = null;
        CompletionWait wait = null;
        boolean success = false;
        try {
            context = AioContext.open(capacity + reservedSlots);
            wait = waits.create(context);
            iocbs = new IocbArray(capacity);
            submissions = new SubmissionQueue(context, capacity);
            cachedReadIov = new IovecArray(1);
            LinuxAioEngine engine = new LinuxAioEngine(loop, blocking, metrics, context, wait,
                    new SlotTable(iocbs, wait.resfd()), submissions, cachedReadIov);
            success = true;
            Throwable refused = LinuxAio.preadv2UnavailabilityCause();
            if (CACHED_READ_FAST_PATH && refused != null) {
                cachedReadsRefused = true;
                Degradations.report(Degradations.CACHED_READS, metrics, refused);
            }
            return engine;
        } finally {
            if (!success) {
                freeAll(context, iocbs, submissions, cachedReadIov);
                if (wait != null) {
                    wait.free();
                }
            }
        }
    }

    private static void freeAll(AioContext context, IocbArray iocbs, SubmissionQueue submissions, IovecArray iov) {
        if (iov != null) {
            iov.free();
        }
        if (submissions != null) {
            submissions.free();
        }
        if (iocbs != null) {
            iocbs.free();
        }
        if (context != null) {
            try {
                context.close();
            } catch (NativeIoException ignore) {
                // the context is gone either way
            }
        }
    }

    @Override
    public int capacity() {
        return slots.capacity();
    }

    @Override
    public FileIo openFile(Path path, OpenOptions options) throws IOException {
        return NativeFileIo.open(path, options);
    }

    @Override
    void route(IoRequest r, boolean continuation) {
        switch (RequestRouter.route(r, continuation, slots.freeCount(), !waiting.isEmpty(), cachedReadAllowed(r),
                RequestRouter.linuxAioCan(r))) {
            case RequestRouter.CACHED_READ:
                readCached(r);
                break;
            case RequestRouter.KERNEL_SLOT:
                prepare(r);
                break;
            case RequestRouter.QUEUE:
                waitForSlot(r, false);
                break;
            case RequestRouter.QUEUE_FIRST:
                waitForSlot(r, true);
                break;
            default:
                toBlocking(r);
        }
    }

    /** @return whether {@code r} may try the cached-read fast path now (the listener depth read last: a lookup) */
    private boolean cachedReadAllowed(IoRequest r) {
        return CACHED_READ_FAST_PATH && !cachedReadsRefused && syncDepth < MAX_SYNC_DEPTH && r.isCachedReadCandidate()
                && InternalThreadLocalMap.get().futureListenerStackDepth() < MAX_LISTENER_DEPTH_FOR_INLINE;
    }

    /** A buffered read served on the loop when the page cache has it; see the class comment. */
    private void readCached(IoRequest r) {
        if (!start(r)) {
            return;
        }
        long res;
        try {
            res = fileOf(r).readCached(cachedReadIov, r.contiguousAddress(), r.remaining(), r.offset());
        } catch (NativeIoException e) {
            if (LinuxAio.isRefused(e)) {
                refuseCachedReads(e);
                route(r, false); // nothing was read: the usual way, now that the cached-read path is off
                return;
            }
            finish(r, r.failure(e)); // names preadv2, the call that failed, with file and position
            return;
        } catch (Throwable t) {
            finish(r, t);
            return;
        }
        if (res >= 0 && (res == r.remaining() || res == 0)) {
            metrics.recordCachedRead();
        }
        syncDepth++;
        try {
            onResult(r, res, true);
        } finally {
            syncDepth--;
        }
    }

    /** preadv2 answered ENOSYS or EPERM (seccomp): asking again is no use, on any loop of the process. */
    private void refuseCachedReads(NativeIoException cause) {
        if (!cachedReadsRefused) {
            cachedReadsRefused = true;
            Degradations.report(Degradations.CACHED_READS, metrics, cause);
        }
    }

    private void prepare(IoRequest r) {
        if (!start(r)) {
            return;
        }
        long iocb;
        try {
            iocb = slots.prepare(r, fileOf(r).fd(), submissionNumber);
        } catch (Throwable t) {
            finish(r, t);
            return;
        }
        kernelStarted();
        submissions.add(iocb);
        int pending = submissions.pending();
        if (submitPolicy.submitNow(pending, inFlight - pending)) {
            flush();
        }
    }

    /** Files of this engine are opened by {@link #openFile}: always native. */
    private static NativeFileIo fileOf(IoRequest r) {
        return (NativeFileIo) r.file().io();
    }

    @Override
    public void flush() {
        if (submissions.pending() == 0) {
            return;
        }
        long calls = submissions.submitCalls();
        long shortSubmits = submissions.shortSubmits();
        long eagains = submissions.eagains();
        Object jfr = AioJfr.beginSubmit();
        int tailBefore = context.ringTail();
        int number = submissionNumber++;
        long start = System.nanoTime();
        int n = submissions.submit(this);
        long took = System.nanoTime() - start;
        // Only this submission's own requests: on a busy device, requests submitted earlier complete during the call
        // too, and counting them could take a deep queue on a fast disk for a device that completes inside io_submit.
        // Numbers are given when requests are prepared, so a request prepared during this call (a refused iocb's
        // handler re-issuing) or left over from an earlier one counts as not complete: rare, and the policy averages.
        countedSubmission = number;
        submitPolicy.submitted(n, context.countEventsSince(tailBefore, inCountedSubmission));
        AioJfr.endSubmit(jfr, n, submissions.pending());
        metrics.recordSubmit(n, (int) (submissions.submitCalls() - calls),
                (int) (submissions.shortSubmits() - shortSubmits), (int) (submissions.eagains() - eagains), took);
    }

    private boolean inCountedSubmission(long aioData) {
        return slots.inSubmission(aioData, countedSubmission);
    }

    /** The kernel refused one prepared iocb at io_submit: its request alone gets the result. */
    @Override
    public void onSubmitError(long iocbAddress, NativeIoException cause) {
        int slot = slots.slotOf(iocbAddress);
        boolean nowait = slots.carriesNowait(slot);
        IoRequest r = releaseSlot(slot);
        onResult(r, -cause.errno(), nowait);
        refill();
    }

    /** Sleeps until a request completes or the loop is woken, at most {@code nanos}; then {@link #reap}. */
    void awaitCompletions(long nanos) throws NativeIoException {
        wait.await(context, nanos);
    }

    /** @return whether the ring holds completions now (no system call): then the loop need not sleep */
    @Override
    public boolean hasCompletions() {
        return context.hasEvents();
    }

    /** @return whether the ring is read: where it is not, completions are seen only by {@code io_getevents} */
    @Override
    public boolean canPollCompletions() {
        return context.usesRingReaping();
    }

    @Override
    public void reap() {
        metrics.recordReap();
        int reaped = 0;
        submitPolicy.reapStarted();
        try {
            wait.deliver(this);
            // Only what is there now: a device that completes inside io_submit (zram) would otherwise refill the
            // ring from the handlers' own submissions, and the reap would never end (no tasks, no scheduled tasks)
            reaped = context.reap(this, context.readyEvents());
        } catch (NativeIoException e) {
            throw new IllegalStateException("cannot reap AIO completions: " + e.getMessage(), e);
        } finally {
            submitPolicy.reapEnded(reaped);
            refill();
        }
    }

    @Override
    public void onCompletion(long userData, long iocbAddress, long res, long res2) {
        try {
            if (wait.consume(userData)) {
                return;
            }
        } catch (NativeIoException e) {
            throw new IllegalStateException("cannot reset the loop's eventfd: " + e.getMessage(), e);
        }
        int slot = (int) userData;
        boolean nowait = slots.carriesNowait(slot);
        IoRequest r = releaseSlot(slot);
        if (r != null) { // null only if the kernel reported an iocb twice: nothing to complete
            onResult(r, res, nowait);
        }
    }

    private IoRequest releaseSlot(int slot) {
        IoRequest r = slots.release(slot);
        if (r != null) {
            kernelFinished();
        }
        return r;
    }

    private void refill() {
        IoRequest r;
        while (slots.freeCount() > 0 && (r = waiting.poll()) != null) {
            prepare(r);
        }
    }

    @Override
    public void close() {
        if (!beginClose()) {
            return;
        }
        try {
            flush();
            // Give the kernel the chance to finish what it has, so promises complete with real results
            while (inFlight > 0) {
                wait.await(context, TimeUnit.SECONDS.toNanos(1));
                wait.deliver(this);
                context.reap(this, Integer.MAX_VALUE);
                flush();
            }
        } catch (Throwable ignore) {
            // fall through: io_destroy below waits for the kernel anyway
        }
        lane.awaitIdle();
        try {
            context.close();
        } catch (NativeIoException ignore) {
            // the context is gone either way
        }
        for (int slot = 0; slot < slots.capacity(); slot++) {
            IoRequest r = releaseSlot(slot);
            if (r != null) {
                finish(r, new ClosedChannelException());
            }
        }
        submissions.free();
        slots.free();
        cachedReadIov.free();
        wait.free();
    }
}
