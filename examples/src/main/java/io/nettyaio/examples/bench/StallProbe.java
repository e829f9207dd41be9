package io.nettyaio.examples.bench;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures how late an executor runs a task that is due every millisecond, and keeps the worst lateness. On an event
 * loop that also completes I/O this is the longest time the loop was busy or blocked while a task was due.
 *
 * <p>The task is scheduled with a fixed <em>delay</em>, so each run is due one period after the previous run ended.
 * With a fixed rate the due times would not move when runs are late, and a loop that runs due tasks at most once per
 * turn (Netty's do) would fall further behind every turn longer than the period: the lateness would grow with the
 * run's length instead of showing the longest stall.
 */
final class StallProbe implements Runnable {
    static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final AtomicLong maxLateNanos = new AtomicLong();
    private long dueNanos;
    private ScheduledFuture<?> future;

    /** Starts probing {@code executor}; call once. */
    synchronized void start(ScheduledExecutorService executor) {
        // The executor computes its due times a little after ours (here, and at the end of each run), so lateness
        // is overstated by at most a few microseconds: fine at a one millisecond period.
        dueNanos = System.nanoTime() + PERIOD_NANOS;
        future = executor.scheduleWithFixedDelay(this, PERIOD_NANOS, PERIOD_NANOS, TimeUnit.NANOSECONDS);
    }

    @Override
    public void run() {
        long late = System.nanoTime() - dueNanos;
        if (late > 0) {
            maxLateNanos.accumulateAndGet(late, Math::max);
        }
        dueNanos = System.nanoTime() + PERIOD_NANOS;
    }

    /** Forgets the lateness seen so far (the start of the measured window). */
    void reset() {
        maxLateNanos.set(0);
    }

    long maxLateNanos() {
        return maxLateNanos.get();
    }

    synchronized void stop() {
        if (future != null) {
            future.cancel(false);
        }
    }
}
