package io.nettyaio.channel;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.FutureListener;

import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.RejectedExecutionException;

/**
 * Requests waiting, in order, for a kernel slot or a blocking thread. Continuations (the rest of a short write or of
 * readFully) go to the front: they were accepted before anything behind them. A waiting request whose promise is
 * cancelled leaves at once, releasing its buffers, rather than when a slot frees up. Loop thread only.
 */
final class WaitingRequests implements FutureListener<Object> {
    private final ArrayDeque<IoRequest> queue = new ArrayDeque<>();
    private final EventExecutor loop;
    private final BlockingLane.Results results;
    private final AioMetrics metrics;

    /** @param metrics where the queue's length goes; {@code null}: not reported */
    WaitingRequests(EventExecutor loop, BlockingLane.Results results, AioMetrics metrics) {
        this.loop = loop;
        this.results = results;
        this.metrics = metrics;
    }

    /**
     * Queues {@code r}: a continuation first, any other request last and watched for cancellation (a
     * continuation's promise is uncancellable already).
     */
    void add(IoRequest r, boolean continuation) {
        if (continuation) {
            queue.addFirst(r);
        } else {
            queue.add(r);
            if (r.promise() != null) {
                ResultBoxes.<Object>cast(r.promise()).addListener(this);
            }
        }
        reportSize();
    }

    /** Queues a request that already started (uncancellable), last. */
    void addStarted(IoRequest r) {
        queue.add(r);
        reportSize();
    }

    /** A waiting request's promise completed: if it was cancelled while it waits, drop it (on the loop). */
    @Override
    public void operationComplete(Future<Object> future) {
        if (!future.isCancelled()) {
            return;
        }
        if (loop.inEventLoop()) {
            removeCancelled(future);
            return;
        }
        try {
            loop.execute(() -> removeCancelled(future));
        } catch (RejectedExecutionException ignore) {
            // the loop is gone; closing its engine failed and released every waiting request
        }
    }

    private void removeCancelled(Future<Object> future) {
        IoRequest r = remove(future);
        if (r != null) {
            results.failNotRun(r, r.cancellationCause());
        }
    }

    private void reportSize() {
        if (metrics != null) {
            metrics.setQueued(queue.size());
        }
    }

    IoRequest poll() {
        IoRequest r = queue.poll();
        if (r != null) {
            reportSize();
        }
        return r;
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    int size() {
        return queue.size();
    }

    /** Removes the request whose promise is {@code promise}, if it still waits. */
    private IoRequest remove(Object promise) {
        for (Iterator<IoRequest> it = queue.iterator(); it.hasNext(); ) {
            IoRequest r = it.next();
            if (r.promise() == promise) {
                it.remove();
                reportSize();
                return r;
            }
        }
        return null;
    }

    /**
     * Fails, with {@link ClosedChannelException}, the waiting requests that never started.
     *
     * @param file only this file's; {@code null}: every file's
     * @param keepContinuations leave requests that made progress in the queue, to finish
     */
    void failNotStarted(FileState file, boolean keepContinuations) {
        if (queue.isEmpty()) {
            return;
        }
        ArrayDeque<IoRequest> failed = new ArrayDeque<>();
        for (Iterator<IoRequest> it = queue.iterator(); it.hasNext(); ) {
            IoRequest r = it.next();
            if ((file == null || r.file() == file) && (!keepContinuations || r.done() == 0)) {
                it.remove();
                failed.add(r);
            }
        }
        reportSize();
        IoRequest r;
        while ((r = failed.poll()) != null) {
            results.failNotRun(r, new ClosedChannelException());
        }
    }
}
