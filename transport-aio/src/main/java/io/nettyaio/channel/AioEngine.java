package io.nettyaio.channel;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Promise;
import io.netty.util.internal.PlatformDependent;
import io.nettyaio.linux.AioAbi;
import io.nettyaio.linux.AioContext;
import io.nettyaio.linux.CompletionHandler;
import io.nettyaio.linux.Errno;
import io.nettyaio.linux.EventFd;
import io.nettyaio.linux.IocbArray;
import io.nettyaio.linux.IovecArray;
import io.nettyaio.linux.NativeIoException;
import io.nettyaio.linux.SubmissionQueue;
import io.nettyaio.linux.SubmitErrorHandler;

import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Queue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * The submission and completion machinery of one completion loop.
 *
 * <p><b>With Linux AIO</b>: one AIO context, one eventfd, a fixed set of iocb slots (as many as the context
 * guarantees), and a FIFO of requests waiting for a slot (back-pressure). Requests are prepared into slots as they
 * arrive; {@link #flush()} submits everything prepared since the last flush in one {@code io_submit} (the loop calls
 * it once per turn). {@link #reap()} consumes every ready event from the ring, completes requests, and refills freed
 * slots from the waiting queue.
 *
 * <p><b>Never blocking the loop</b>: reads and writes carry {@code RWF_NOWAIT}. When the kernel would have to wait
 * (EAGAIN: a page-cache miss, an extending or hole-filling write) or gives a short NOWAIT read, the rest goes to the
 * blocking executor; where a file refuses NOWAIT (EOPNOTSUPP: tmpfs, buffered writes on ext4) the channel remembers
 * and sends that kind of request straight there. At most {@link BlockingIoExecutor#threads()} requests of this
 * engine run there at once; the rest wait here, in order. A blocking result comes back to the loop and is handled
 * exactly like an io_event.
 *
 * <p><b>Without Linux AIO</b> (no eventfd given): every request goes to the blocking executor; this is the fallback
 * engine.
 *
 * <p>Loop thread only; nothing here is synchronized.
 */
final class AioEngine implements CompletionHandler, SubmitErrorHandler {
    /**
     * System property: submit as soon as this many requests are prepared, instead of once at the end of the loop
     * turn (0, the default: one io_submit per turn). 1 submits each request at once, as fio does by default: on a
     * device that completes a batch as one burst, that gets re-issued requests to it sooner (more IOPS in a closed
     * loop) for one system call per request. BENCHMARKS.md has both measured.
     */
    static final String SUBMIT_BATCH_PROP_NAME = "io.nettyaio.submitBatch";
    private static final int SUBMIT_BATCH = Integer.getInteger(SUBMIT_BATCH_PROP_NAME, 0);
    /** System property: {@code true} sends buffered reads to the kernel as AIO even when the page cache has them. */
    static final String NO_CACHED_READ_FAST_PATH_PROP_NAME = "io.nettyaio.noCachedReadFastPath";
    private static final boolean CACHED_READ_FAST_PATH = !Boolean.getBoolean(NO_CACHED_READ_FAST_PATH_PROP_NAME);
    /** How deep completions may nest when a handler issues the next cached read from inside the last one. */
    private static final int MAX_SYNC_DEPTH = 8;

    private final AioContext context;
    private final EventFd eventFd;
    private final IocbArray iocbs;
    private final SubmissionQueue submissions;
    private final AioRequest[] inFlight;
    private final IovecArray[] iovecs;
    private final int[] freeSlots;
    private int freeCount;
    private final ArrayDeque<AioRequest> waiting = new ArrayDeque<>();
    private final BlockingIoExecutor blocking;
    private final int blockingLimit;
    private int blockingInFlight;
    private final ArrayDeque<AioRequest> blockingWaiting = new ArrayDeque<>();
    /** Requests back from blocking threads; drained on the loop, or by {@link #close()} itself. */
    private final Queue<AioRequest> blockingDone = PlatformDependent.newMpscQueue();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drainBlockingDoneTask = this::drainBlockingDone;
    private final EventExecutor loop;
    private final AioMetrics metrics = new AioMetrics();
    /** One-segment iovec for the cached-read fast path; null for the fallback engine. */
    private final IovecArray cachedReadIov;
    private int syncDepth;
    private final Integer[] intCache = new Integer[16];
    private final Long[] longCache = new Long[16];
    /** {@link #close()} has begun: nothing new starts; what finishes is delivered. */
    private boolean closing;
    /** The loop is shutting down: new requests are refused, started ones finish. */
    private boolean stopped;

    /**
     * @param loop the executor whose thread runs this engine
     * @param capacity iocb slots (the AIO context's capacity)
     * @param eventFd the eventfd completions signal, or {@code null} for the fallback engine (no AIO at all)
     * @param blocking where operations that would block go
     */
    AioEngine(EventExecutor loop, int capacity, EventFd eventFd, BlockingIoExecutor blocking)
            throws NativeIoException {
        this.loop = loop;
        this.eventFd = eventFd;
        this.blocking = blocking;
        this.blockingLimit = blocking.threads();
        if (eventFd == null) {
            this.cachedReadIov = null;
            this.context = null;
            this.iocbs = null;
            this.submissions = null;
            this.inFlight = new AioRequest[0];
            this.iovecs = new IovecArray[0];
            this.freeSlots = new int[0];
            return;
        }
        AioContext ctx = AioContext.open(capacity);
        try {
            this.iocbs = new IocbArray(capacity);
            this.cachedReadIov = new IovecArray(1);
        } catch (Throwable t) {
            ctx.close();
            throw t;
        }
        this.context = ctx;
        this.submissions = new SubmissionQueue(ctx, capacity);
        this.inFlight = new AioRequest[capacity];
        this.iovecs = new IovecArray[capacity];
        this.freeSlots = new int[capacity];
        for (int i = capacity - 1; i >= 0; i--) {
            freeSlots[freeCount++] = i;
        }
    }

    /** @return whether requests go to the kernel (false for the fallback engine) */
    boolean usesAio() {
        return context != null;
    }

    int capacity() {
        return context == null ? blockingLimit : inFlight.length;
    }

    AioMetrics metrics() {
        return metrics;
    }

    /** @return whether any request is in the kernel, on a blocking thread, or waiting for either */
    boolean hasWork() {
        return metrics.inFlight > 0 || !waiting.isEmpty() || blockingInFlight > 0 || !blockingWaiting.isEmpty();
    }

    /** Takes a request from any source (a task, or a direct call on the loop thread). */
    void enqueue(AioRequest r) {
        if (closing || stopped || !r.channel.acceptsRequests()) {
            metrics.failed++;
            r.fail(new ClosedChannelException());
            return;
        }
        r.channel.requestStarted();
        if (context != null && tryCachedRead(r)) {
            return;
        }
        if (context == null || !r.isAioCapable() || r.channel.mustBlock(r)) {
            toBlocking(r);
        } else if (freeCount > 0 && waiting.isEmpty()) {
            prepare(r);
        } else {
            waiting.add(r);
            if (r.promise != null) {
                AioEngine.<Object>cast(r.promise).addListener(r);
            }
            metrics.queued = waiting.size();
            if (metrics.queued > metrics.queuedHighWater) {
                metrics.queuedHighWater = metrics.queued;
            }
        }
    }

    /**
     * Buffered single-buffer reads first try a synchronous {@code preadv2(RWF_NOWAIT)} on the loop: a page-cache
     * hit is one memcpy system call, with no io_submit, eventfd wake-up or extra loop turn; a miss answers EAGAIN at
     * once (after starting readahead) and goes to the blocking executor, as an AIO NOWAIT miss would.
     *
     * @return whether the request was handled (completed, failed, or handed to the blocking executor)
     */
    private boolean tryCachedRead(AioRequest r) {
        if (!CACHED_READ_FAST_PATH || syncDepth >= MAX_SYNC_DEPTH || !r.isCachedReadCandidate()
                || r.channel.mustBlock(r)) {
            return false;
        }
        if (r.done == 0 && !r.setUncancellable()) {
            failAccepted(r, r.cancellationCause());
            return true;
        }
        long res;
        try {
            res = ((NativeFileIo) r.channel.fileIo()).readCached(cachedReadIov, r.targetAddress(), r.length - r.done,
                    r.position + r.done);
        } catch (NativeIoException e) {
            res = -e.errno(); // reported like any read error: operation, file, position
        } catch (Throwable t) {
            failAccepted(r, t);
            return true;
        }
        syncDepth++;
        try {
            if (r.nowaitSatisfied(res)) {
                metrics.cachedReads++;
                handleResult(r, res);
            } else {
                metrics.nowaitFallbacks++;
                if (res == -Errno.EOPNOTSUPP) {
                    r.channel.nowaitUnsupported(true);
                } else if (res > 0) {
                    r.done += res; // what the cache had; the rest (or end of file) on a blocking thread
                }
                toBlocking(r);
            }
        } finally {
            syncDepth--;
        }
        return true;
    }

    private void prepare(AioRequest r) {
        if (r.done == 0 && !r.setUncancellable()) {
            failAccepted(r, r.cancellationCause()); // cancelled while it waited: it never reaches the kernel
            return;
        }
        int slot = freeSlots[--freeCount];
        try {
            r.prepare(iocbs, slot, this);
        } catch (Throwable t) {
            freeSlots[freeCount++] = slot;
            failAccepted(r, t);
            return;
        }
        if (!r.isDataless()) {
            iocbs.setRwFlags(slot, AioAbi.RWF_NOWAIT);
            r.nowait = true;
        }
        iocbs.setEventFd(slot, eventFd.fd());
        inFlight[slot] = r;
        metrics.inFlight++;
        submissions.add(iocbs.address(slot));
        if (SUBMIT_BATCH > 0 && submissions.pending() >= SUBMIT_BATCH) {
            flush();
        }
    }

    IovecArray iovecs(int slot) {
        IovecArray iov = iovecs[slot];
        if (iov == null) {
            iov = iovecs[slot] = new IovecArray(AioAbi.MAX_IOV);
        }
        return iov;
    }

    /** Submits everything prepared since the last flush; what the kernel does not take stays queued. */
    void flush() {
        if (submissions == null || submissions.pending() == 0) {
            return;
        }
        long callsBefore = submissions.submitCalls();
        long shortBefore = submissions.shortSubmits();
        long eagainBefore = submissions.eagains();
        long start = System.nanoTime();
        metrics.submitted += submissions.submit(this);
        long took = System.nanoTime() - start;
        if (took > metrics.submitNanosMax) {
            metrics.submitNanosMax = took;
        }
        metrics.submitCalls += submissions.submitCalls() - callsBefore;
        metrics.shortSubmits += submissions.shortSubmits() - shortBefore;
        metrics.eagainRetries += submissions.eagains() - eagainBefore;
    }

    /** A prepared request the kernel refused at submission: fail that request alone (or go blocking). */
    @Override
    public void onSubmitError(long iocbAddress, NativeIoException cause) {
        int slot = iocbs.slotOf(iocbAddress);
        AioRequest r = release(slot);
        if (r.nowait && cause.errno() == Errno.EOPNOTSUPP) {
            // tmpfs and others lack FMODE_NOWAIT: remember, and do this one on a blocking thread
            r.channel.nowaitUnsupported(r.isRead());
            metrics.nowaitFallbacks++;
            toBlocking(r);
        } else {
            failAccepted(r, new NativeIoException(r.operation(), cause.errno(),
                    "rejected by io_submit; " + r.describe()));
        }
        refill();
    }

    /** Reaps every ready completion, then gives freed slots to waiting requests. */
    int reap() throws NativeIoException {
        if (context == null) {
            return 0;
        }
        metrics.reapCalls++;
        int n = context.reap(this, Integer.MAX_VALUE);
        refill();
        return n;
    }

    @Override
    public void onCompletion(long userData, long iocbAddress, long res, long res2) {
        AioRequest r = release((int) userData);
        if (r == null) {
            return; // cannot happen unless the kernel reports an iocb twice; nothing to complete
        }
        if (r.nowait && wouldHaveBlocked(r, res)) {
            metrics.nowaitFallbacks++;
            toBlocking(r);
            return;
        }
        handleResult(r, res);
    }

    /**
     * The kernel declined to wait: EAGAIN, EOPNOTSUPP (NOWAIT unsupported for this kind of request on this file),
     * or a short read from a partly cached buffered file. The rest goes to a blocking thread.
     */
    private boolean wouldHaveBlocked(AioRequest r, long res) {
        if (res == -Errno.EAGAIN) {
            return true;
        }
        if (res == -Errno.EOPNOTSUPP) {
            r.channel.nowaitUnsupported(r.isRead());
            return true;
        }
        if (res > 0 && r.isRead() && res < r.length - r.done && !r.channel.isDirect()) {
            r.done += res; // what the page cache had; end of file shows up as 0 on the blocking thread
            return true;
        }
        return false;
    }

    private void handleResult(AioRequest r, long res) {
        boolean ok = res >= 0;
        AioFileChannel channel = r.channel;
        if (r.onEvent(res, this) == AioRequest.CONTINUE) {
            enqueueContinuation(r);
            return;
        }
        if (ok) {
            metrics.completed++;
        } else {
            metrics.failed++;
        }
        channel.requestFinished();
    }

    /** Hands a request to the blocking executor, or queues it while this engine's share of threads is busy. */
    private void toBlocking(AioRequest r) {
        if (closing) {
            failAccepted(r, new ClosedChannelException());
            return;
        }
        if (r.done == 0 && !r.setUncancellable()) {
            failAccepted(r, r.cancellationCause());
            return;
        }
        if (blockingInFlight >= blockingLimit) {
            blockingWaiting.add(r);
            return;
        }
        blockingInFlight++;
        metrics.blockingSubmitted++;
        r.toBlocking();
        try {
            blocking.execute(r);
        } catch (RejectedExecutionException e) {
            blockingInFlight--;
            ClosedChannelException closedCause = new ClosedChannelException();
            closedCause.initCause(e);
            failAccepted(r, closedCause);
        }
    }

    /**
     * A blocking thread finished {@code r}: hand it back to the loop. Any thread. One drain task is scheduled for
     * however many arrive before it runs; if the loop no longer takes tasks, {@link #close()} drains them.
     */
    void postBlockingDone(AioRequest r) {
        blockingDone.offer(r);
        if (drainScheduled.compareAndSet(false, true)) {
            try {
                loop.execute(drainBlockingDoneTask);
            } catch (RejectedExecutionException e) {
                drainScheduled.set(false); // shutting down: close() is draining, or is about to
            }
        }
    }

    private void drainBlockingDone() {
        drainScheduled.set(false);
        AioRequest r;
        while ((r = blockingDone.poll()) != null) {
            onBlockingDone(r);
        }
    }

    /** A blocking operation finished; its request is back on the loop. */
    private void onBlockingDone(AioRequest r) {
        blockingInFlight--;
        if (r.blockingError != null) {
            failAccepted(r, r.blockingError);
        } else {
            handleResult(r, r.blockingResult);
        }
        AioRequest next;
        while (!closing && blockingInFlight < blockingLimit && (next = blockingWaiting.poll()) != null) {
            toBlocking(next);
        }
    }

    /** The rest of a short write or of readFully: it goes before the waiting requests, it is already accepted. */
    private void enqueueContinuation(AioRequest r) {
        if (closing) {
            failAccepted(r, new ClosedChannelException());
        } else if (context == null || r.channel.mustBlock(r)) {
            toBlocking(r);
        } else if (freeCount > 0) {
            prepare(r);
        } else {
            waiting.addFirst(r);
            metrics.queued = waiting.size();
        }
    }

    /** Fails a request that {@link #enqueue} accepted, and tells its channel it is finished. */
    private void failAccepted(AioRequest r, Throwable cause) {
        AioFileChannel channel = r.channel;
        metrics.failed++;
        r.fail(cause);
        channel.requestFinished();
    }

    private AioRequest release(int slot) {
        AioRequest r = inFlight[slot];
        if (r != null) {
            inFlight[slot] = null;
            freeSlots[freeCount++] = slot;
            metrics.inFlight--;
        }
        return r;
    }

    private void refill() {
        while (freeCount > 0 && !waiting.isEmpty()) {
            prepare(waiting.poll());
        }
        metrics.queued = waiting.size();
    }

    /** A waiting request's promise was cancelled: drop it now and release its buffers. */
    void removeCancelled(AioRequest r, Object promise) {
        if (r.promise == promise && r.slot < 0 && waiting.remove(r)) {
            metrics.queued = waiting.size();
            failAccepted(r, r.cancellationCause());
        }
    }

    /**
     * The loop is shutting down: from now on new requests fail with {@link ClosedChannelException}, and so do the
     * ones waiting for a slot or a thread (never started); started requests and their continuations finish. Without
     * this, a loop whose listeners keep adding requests never runs out of work and never terminates, and requests
     * taken from the task queue after the run loop ended would be submitted after the loop closed their files.
     * Idempotent.
     */
    void stopAccepting() {
        if (stopped) {
            return;
        }
        stopped = true;
        failNotStarted(waiting);
        failNotStarted(blockingWaiting);
        metrics.queued = waiting.size();
    }

    private void failNotStarted(ArrayDeque<AioRequest> queue) {
        ArrayDeque<AioRequest> continuations = new ArrayDeque<>();
        AioRequest r;
        while ((r = queue.poll()) != null) {
            if (r.done > 0) {
                continuations.add(r); // the rest of a short write or readFully: already partly done, let it finish
            } else {
                failAccepted(r, new ClosedChannelException());
            }
        }
        queue.addAll(continuations);
    }

    /** Fails the requests of {@code channel} that still wait for a slot or a thread: they were never started. */
    void failWaiting(AioFileChannel channel) {
        failWaiting(waiting, channel);
        failWaiting(blockingWaiting, channel);
        metrics.queued = waiting.size();
    }

    private void failWaiting(ArrayDeque<AioRequest> queue, AioFileChannel channel) {
        for (Iterator<AioRequest> it = queue.iterator(); it.hasNext(); ) {
            AioRequest r = it.next();
            if (r.channel == channel && r.done == 0) {
                it.remove();
                failAccepted(r, new ClosedChannelException());
            }
        }
    }

    /**
     * Lets requests in the kernel and on blocking threads finish (their promises complete with the real outcome;
     * a continuation they would need fails), fails requests still waiting, destroys the context and frees all
     * memory. Blocks the calling (loop) thread meanwhile, as io_destroy would.
     */
    void close() {
        if (closing) {
            return;
        }
        closing = true;
        AioRequest r;
        while ((r = waiting.poll()) != null) {
            failAccepted(r, new ClosedChannelException());
        }
        while ((r = blockingWaiting.poll()) != null) {
            failAccepted(r, new ClosedChannelException());
        }
        try {
            flush();
            // Give the kernel the chance to finish what it has, so promises complete with real results
            while (context != null && metrics.inFlight > 0) {
                if (eventFd.awaitReadable(1000)) {
                    eventFd.read();
                }
                context.reap(this, Integer.MAX_VALUE);
                flush();
            }
        } catch (Throwable ignore) {
            // fall through: io_destroy below waits for the kernel anyway
        }
        drainBlockingDone();
        while (blockingInFlight > 0) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            drainBlockingDone();
        }
        if (context != null) {
            try {
                context.close();
            } catch (NativeIoException ignore) {
                // the context is gone either way
            }
        }
        for (int slot = 0; slot < inFlight.length; slot++) {
            r = release(slot);
            if (r != null) {
                failAccepted(r, new ClosedChannelException());
            }
        }
        if (submissions != null) {
            submissions.free();
            iocbs.free();
        }
        if (cachedReadIov != null) {
            cachedReadIov.free();
        }
        for (IovecArray iov : iovecs) {
            if (iov != null) {
                iov.free();
            }
        }
    }

    /** Boxes a result, reusing the Integer of a recent equal result: steady workloads box without allocating. */
    Integer boxInt(int value) {
        int i = (value ^ value >>> 9 ^ value >>> 17) & 15;
        Integer cached = intCache[i];
        if (cached != null && cached == value) {
            return cached;
        }
        Integer boxed = value;
        intCache[i] = boxed;
        return boxed;
    }

    Long boxLong(long value) {
        int i = (int) (value ^ value >>> 9 ^ value >>> 17) & 15;
        Long cached = longCache[i];
        if (cached != null && cached == value) {
            return cached;
        }
        Long boxed = value;
        longCache[i] = boxed;
        return boxed;
    }

    @SuppressWarnings("unchecked")
    static <T> Promise<T> cast(Promise<?> promise) {
        return (Promise<T>) promise;
    }
}
