package io.nettyaio.channel;

import io.netty.util.concurrent.EventExecutor;

import java.nio.channels.ClosedChannelException;

/**
 * What every engine does the same way: admit a request, act on the classified result of each attempt, run what
 * must block on the {@link BlockingLane}, and finish requests (metrics, the file's count, the promise). A subclass
 * decides only where a request goes ({@link #route}) and how the kernel is driven. Loop thread only.
 */
abstract class AbstractIoEngine implements IoEngine, BlockingLane.Results {
    private final String name;
    final AioMetrics metrics;
    final BlockingLane lane;
    final ResultBoxes boxes = new ResultBoxes();
    /** Requests waiting for a kernel slot (back-pressure); unused by the blocking engine, whose lane queues. */
    final WaitingRequests waiting;
    /** Requests in the kernel now. */
    int inFlight;
    /** {@link #close()} has begun: nothing new starts; what finishes is delivered. */
    boolean closing;
    /** The loop is shutting down: new requests are refused, started ones finish. */
    private boolean stopped;

    /** @param metrics the loop's counters, shared by its engines (a loop may switch engines, see AioMetrics) */
    AbstractIoEngine(String name, EventExecutor loop, BlockingIoExecutor blocking, AioMetrics metrics) {
        this.name = name;
        this.metrics = metrics;
        this.lane = new BlockingLane(loop, blocking, this, metrics);
        this.waiting = new WaitingRequests(loop, this, metrics);
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final AioMetrics metrics() {
        return metrics;
    }

    @Override
    public final void submit(IoRequest r) {
        FileState file = r.file();
        if (closing || stopped || !file.acceptsRequests()) {
            metrics.recordFailed();
            r.fail(new ClosedChannelException());
            return;
        }
        file.requestStarted();
        r.admitted(metrics.latencyStart());
        route(r, false);
    }

    /**
     * Sends {@code r} where it goes next: the one decision, made on acceptance and again for each continuation.
     *
     * @param continuation whether {@code r} is the rest of a request that made progress
     */
    abstract void route(IoRequest r, boolean continuation);

    /**
     * Marks {@code r} as started (uncancellable), or fails it when it was cancelled meanwhile.
     *
     * @return whether it may go on to the kernel or a thread
     */
    final boolean start(IoRequest r) {
        if (closing) {
            finish(r, new ClosedChannelException());
            return false;
        }
        if (!r.start()) {
            finish(r, r.cancellationCause());
            return false;
        }
        return true;
    }

    /** Queues {@code r} until a kernel slot frees up: a continuation first, anything else last. */
    final void waitForSlot(IoRequest r, boolean continuation) {
        if (closing) {
            finish(r, new ClosedChannelException());
        } else {
            waiting.add(r, continuation);
        }
    }

    /** {@code r} went to the kernel. */
    final void kernelStarted() {
        inFlight++;
        metrics.addInFlight(1);
    }

    /** A request came back from the kernel. */
    final void kernelFinished() {
        inFlight--;
        metrics.addInFlight(-1);
    }

    @Override
    public final boolean hasKernelWork() {
        return inFlight > 0;
    }

    @Override
    public final boolean hasWork() {
        return inFlight > 0 || !waiting.isEmpty() || lane.hasWork();
    }

    /** Runs {@code r} on a blocking thread. */
    final void toBlocking(IoRequest r) {
        if (start(r)) {
            AioJfr.blockingLane(this, r);
            lane.submit(r);
        }
    }

    /** Acts on the result of one attempt on {@code r}: finish it, continue it, or send it to a blocking thread. */
    final void onResult(IoRequest r, long res, boolean nowait) {
        switch (r.onResult(res, nowait)) {
            case ResultClassifier.SETTLED:
                finish(r);
                break;
            case ResultClassifier.CONTINUE:
                if (!r.isRead()) {
                    metrics.recordShortWrite();
                }
                route(r, true);
                break;
            case ResultClassifier.NOWAIT_UNSUPPORTED:
                r.file().nowaitUnsupported(r.isRead()); // tmpfs, buffered writes on ext4, ...: remember
                metrics.recordNowaitFallback();
                toBlocking(r);
                break;
            case ResultClassifier.TO_BLOCKING:
                metrics.recordNowaitFallback();
                toBlocking(r);
                break;
            default:
                finish(r, r.failure(res));
        }
    }

    @Override
    public final void onBlockingResult(IoRequest r, long res, Throwable error) {
        if (error != null) {
            finish(r, error);
        } else {
            onResult(r, res, false);
        }
    }

    @Override
    public final void failNotRun(IoRequest r, Throwable cause) {
        finish(r, cause);
    }

    /** Completes an accepted request successfully. */
    final void finish(IoRequest r) {
        FileState file = r.file();
        metrics.recordCompleted();
        metrics.recordLatency(r.admittedNanos());
        r.succeed(boxes);
        file.requestFinished();
    }

    /** Fails an accepted request. */
    final void finish(IoRequest r, Throwable cause) {
        FileState file = r.file();
        metrics.recordFailed();
        metrics.recordLatency(r.admittedNanos());
        r.fail(cause);
        file.requestFinished();
    }

    @Override
    public final void stopAccepting() {
        if (!stopped) {
            stopped = true;
            waiting.failNotStarted(null, true);
            lane.failWaiting(null, true);
        }
    }

    @Override
    public final void failWaiting(FileState file) {
        waiting.failNotStarted(file, true);
        lane.failWaiting(file, true);
    }

    /**
     * Starts closing: nothing new starts, and what waits for a slot fails.
     *
     * @return false when closing had begun already
     */
    final boolean beginClose() {
        if (closing) {
            return false;
        }
        closing = true;
        waiting.failNotStarted(null, false);
        return true;
    }
}
