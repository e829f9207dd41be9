package io.nettyaio.channel;

import io.netty.util.concurrent.Promise;
import io.nettyaio.linux.AioContext;
import io.nettyaio.linux.AioAbi;
import io.nettyaio.linux.CompletionHandler;
import io.nettyaio.linux.EventFd;
import io.nettyaio.linux.IocbArray;
import io.nettyaio.linux.IovecArray;
import io.nettyaio.linux.NativeIoException;
import io.nettyaio.linux.SubmissionQueue;
import io.nettyaio.linux.SubmitErrorHandler;

import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * The submission and completion machinery of one completion loop: one AIO context, one eventfd, a fixed set of iocb
 * slots (as many as the context guarantees), and a FIFO of requests waiting for a slot (back-pressure).
 *
 * <p>Requests are prepared into slots as they arrive; {@link #flush()} submits everything prepared since the last
 * flush in one {@code io_submit} (the loop calls it once per turn). {@link #reap()} consumes every ready event from
 * the ring, completes requests, and refills freed slots from the waiting queue.
 *
 * <p>Loop thread only; nothing here is synchronized.
 */
final class AioEngine implements CompletionHandler, SubmitErrorHandler {
    private final AioContext context;
    private final EventFd eventFd;
    private final IocbArray iocbs;
    private final SubmissionQueue submissions;
    private final AioRequest[] inFlight;
    private final IovecArray[] iovecs;
    private final int[] freeSlots;
    private int freeCount;
    private final ArrayDeque<AioRequest> waiting = new ArrayDeque<>();
    private final AioMetrics metrics = new AioMetrics();
    private final Integer[] intCache = new Integer[16];
    private final Long[] longCache = new Long[16];
    private boolean closed;
    /** The loop is shutting down: new requests are refused, in-flight ones finish. */
    private boolean stopped;

    AioEngine(int capacity, EventFd eventFd) throws NativeIoException {
        this.eventFd = eventFd;
        AioContext ctx = AioContext.open(capacity);
        try {
            this.iocbs = new IocbArray(capacity);
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

    int capacity() {
        return inFlight.length;
    }

    AioMetrics metrics() {
        return metrics;
    }

    /** @return whether any request is in the kernel or waiting for a slot */
    boolean hasWork() {
        return metrics.inFlight > 0 || !waiting.isEmpty();
    }

    /** Takes a request from any source (a task, or a direct call on the loop thread). */
    void enqueue(AioRequest r) {
        if (closed || stopped || !r.channel.acceptsRequests()) {
            metrics.failed++;
            r.fail(new ClosedChannelException());
            return;
        }
        r.channel.requestStarted();
        if (freeCount > 0 && waiting.isEmpty()) {
            prepare(r);
        } else {
            waiting.add(r);
            AioEngine.<Object>cast(r.promise).addListener(r);
            metrics.queued = waiting.size();
            if (metrics.queued > metrics.queuedHighWater) {
                metrics.queuedHighWater = metrics.queued;
            }
        }
    }

    private void prepare(AioRequest r) {
        if (r.done == 0 && !r.promise.setUncancellable()) {
            failAccepted(r, r.promise.cause()); // cancelled while it waited: it never reaches the kernel
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
        iocbs.setEventFd(slot, eventFd.fd());
        inFlight[slot] = r;
        metrics.inFlight++;
        submissions.add(iocbs.address(slot));
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
        if (submissions.pending() == 0) {
            return;
        }
        long callsBefore = submissions.submitCalls();
        long shortBefore = submissions.shortSubmits();
        long eagainBefore = submissions.eagains();
        metrics.submitted += submissions.submit(this);
        metrics.submitCalls += submissions.submitCalls() - callsBefore;
        metrics.shortSubmits += submissions.shortSubmits() - shortBefore;
        metrics.eagainRetries += submissions.eagains() - eagainBefore;
    }

    /** A prepared request the kernel refused at submission: fail that request alone. */
    @Override
    public void onSubmitError(long iocbAddress, NativeIoException cause) {
        int slot = iocbs.slotOf(iocbAddress);
        AioRequest r = release(slot);
        failAccepted(r, new NativeIoException(r.operation(), cause.errno(),
                "rejected by io_submit; " + r.describe()));
        refill();
    }

    /** Reaps every ready completion, then gives freed slots to waiting requests. */
    int reap() throws NativeIoException {
        metrics.reapCalls++;
        int n = context.reap(this, Integer.MAX_VALUE);
        refill();
        return n;
    }

    @Override
    public void onCompletion(long userData, long iocbAddress, long res, long res2) {
        int slot = (int) userData;
        AioRequest r = release(slot);
        if (r == null) {
            return; // cannot happen unless the kernel reports an iocb twice; nothing to complete
        }
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

    /** The rest of a short write or of readFully: it goes before the waiting requests, it is already accepted. */
    private void enqueueContinuation(AioRequest r) {
        if (freeCount > 0) {
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
            failAccepted(r, r.promise.cause());
        }
    }

    /**
     * The loop is shutting down: from now on new requests fail with {@link ClosedChannelException}, and so do the
     * ones waiting for a slot (never submitted); submitted requests and their continuations finish. Without this, a
     * loop whose listeners keep adding requests never runs out of work and never terminates, and requests taken from
     * the task queue after the run loop ended would be submitted after the loop closed their files. Idempotent.
     */
    void stopAccepting() {
        if (stopped) {
            return;
        }
        stopped = true;
        AioRequest r;
        ArrayDeque<AioRequest> continuations = new ArrayDeque<>();
        while ((r = waiting.poll()) != null) {
            if (r.done > 0) {
                continuations.add(r); // the rest of a short write or readFully: already partly done, let it finish
            } else {
                failAccepted(r, new ClosedChannelException());
            }
        }
        waiting.addAll(continuations);
        metrics.queued = waiting.size();
    }

    /** Fails the requests of {@code channel} that still wait for a slot: they were never submitted. */
    void failWaiting(AioFileChannel channel) {
        for (Iterator<AioRequest> it = waiting.iterator(); it.hasNext(); ) {
            AioRequest r = it.next();
            if (r.channel == channel && r.done == 0) {
                it.remove();
                failAccepted(r, new ClosedChannelException());
            }
        }
        metrics.queued = waiting.size();
    }

    /**
     * Destroys the context (blocking until in-flight requests complete, whose events are then discarded), fails
     * whatever is left, and frees all memory.
     */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            flush();
            // Give the kernel the chance to finish what it has, so promises complete with real results
            while (metrics.inFlight > 0) {
                if (eventFd.awaitReadable(1000)) {
                    eventFd.read();
                }
                context.reap(this, Integer.MAX_VALUE);
                flush();
            }
        } catch (Throwable ignore) {
            // fall through: io_destroy below waits for the kernel anyway
        }
        try {
            context.close();
        } catch (NativeIoException ignore) {
            // the context is gone either way
        }
        for (int slot = 0; slot < inFlight.length; slot++) {
            AioRequest r = release(slot);
            if (r != null) {
                failAccepted(r, new ClosedChannelException());
            }
        }
        AioRequest r;
        while ((r = waiting.poll()) != null) {
            failAccepted(r, new ClosedChannelException());
        }
        submissions.free();
        iocbs.free();
        for (IovecArray iov : iovecs) {
            if (iov != null) {
                iov.free();
            }
        }
    }

    boolean isClosed() {
        return closed;
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
