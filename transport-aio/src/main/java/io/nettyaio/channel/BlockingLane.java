package io.nettyaio.channel;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.PlatformDependent;

import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * One engine's share of the {@link BlockingIoExecutor}: at most {@code limit} of its requests run on blocking threads
 * at once, the rest wait here in order. A finished operation comes back to the loop as a result, like an io_event,
 * and goes to {@link Results#onBlockingResult}. Loop thread only, except {@link BlockingTask}'s hand-back.
 *
 * <p>Allocation-free once warm: each running request rides a pooled {@link BlockingTask}, and one drain task brings
 * back however many finished before it ran.
 */
final class BlockingLane {
    /** Where the lane's outcomes go: the engine. */
    interface Results {
        /** A blocking operation finished: {@code res} as an io_event has it, or {@code error} when it threw. */
        void onBlockingResult(IoRequest r, long res, Throwable error);

        /** A request that never ran fails (the lane is closing, or the executor refused it). */
        void failNotRun(IoRequest r, Throwable cause);
    }

    private final EventExecutor loop;
    private final BlockingIoExecutor executor;
    private final Results results;
    private final AioMetrics metrics;
    private final int limit;
    private int running;
    private final WaitingRequests waiting;
    private final ArrayDeque<BlockingTask> idleTasks = new ArrayDeque<>();
    /** Tasks back from blocking threads; drained on the loop, or by {@link #awaitIdle()}. */
    private final Queue<BlockingTask> finished = PlatformDependent.newMpscQueue();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drainTask = this::drainFinished;
    private boolean closing;

    BlockingLane(EventExecutor loop, BlockingIoExecutor executor, Results results, AioMetrics metrics) {
        this.loop = loop;
        this.executor = executor;
        this.results = results;
        this.metrics = metrics;
        this.limit = executor.threads();
        this.waiting = new WaitingRequests(loop, results, null);
    }

    /** @return how many of this lane's requests may run at once */
    int limit() {
        return limit;
    }

    /** @return whether a request runs on a thread or waits for one */
    boolean hasWork() {
        return running > 0 || !waiting.isEmpty();
    }

    /** Runs {@code r} (already started: uncancellable) on a blocking thread, or queues it while the lane is full. */
    void submit(IoRequest r) {
        if (running >= limit) {
            waiting.addStarted(r);
            return;
        }
        running++;
        metrics.recordBlockingSubmitted();
        BlockingTask task = idleTasks.poll();
        if (task == null) {
            task = new BlockingTask(this);
        }
        task.request = r;
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            running--;
            task.request = null;
            idleTasks.add(task);
            ClosedChannelException closed = new ClosedChannelException();
            closed.initCause(e);
            results.failNotRun(r, closed);
        }
    }

    /**
     * A blocking thread finished a task: hand it back to the loop. One drain task is scheduled for however many
     * arrive before it runs; when the loop no longer takes tasks, {@link #awaitIdle()} drains them.
     */
    void handBack(BlockingTask task) {
        finished.offer(task);
        if (drainScheduled.compareAndSet(false, true)) {
            try {
                loop.execute(drainTask);
            } catch (RejectedExecutionException e) {
                drainScheduled.set(false); // shutting down: awaitIdle() is draining, or is about to
            }
        }
    }

    private void drainFinished() {
        drainScheduled.set(false);
        BlockingTask task;
        while ((task = finished.poll()) != null) {
            running--;
            IoRequest r = task.request;
            long res = task.result;
            Throwable error = task.error;
            task.request = null;
            task.error = null;
            idleTasks.add(task);
            results.onBlockingResult(r, res, error);
        }
        IoRequest next;
        while (!closing && running < limit && (next = waiting.poll()) != null) {
            submit(next);
        }
    }

    /** Fails the waiting requests of {@code file} that have made no progress; {@code null}: of every file. */
    void failWaiting(FileState file, boolean keepContinuations) {
        waiting.failNotStarted(file, keepContinuations);
    }

    /**
     * Lets what runs finish and delivers its results; fails what waits. Blocks the calling (loop) thread
     * meanwhile, as closing an AIO context would.
     */
    void awaitIdle() {
        closing = true;
        waiting.failNotStarted(null, false);
        drainFinished();
        while (running > 0) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            drainFinished();
        }
    }
}
