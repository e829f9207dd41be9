package io.nettyaio.examples.bench;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures how late an executor runs its scheduled tasks: a task scheduled at a fixed rate of one millisecond
 * compares each run with its due time and keeps the worst lateness. On an event loop that also completes I/O this
 * is the longest time the loop was busy or blocked while a task was due.
 */
final class StallProbe implements Runnable {
    static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final AtomicLong maxLateNanos = new AtomicLong();
    private long dueNanos;
    private ScheduledFuture<?> future;

    /** Starts probing {@code executor}; call once. */
    synchronized void start(ScheduledExecutorService executor) {
        // Computed just before scheduling, so lateness is overstated by the few microseconds schedule() takes:
        // fine at a one millisecond period. Fixed-rate runs catch up after a stall, each compared with its own
        // due time.
        dueNanos = System.nanoTime() + PERIOD_NANOS;
        future = executor.scheduleAtFixedRate(this, PERIOD_NANOS, PERIOD_NANOS, TimeUnit.NANOSECONDS);
    }

    @Override
    public void run() {
        long late = System.nanoTime() - dueNanos;
        dueNanos += PERIOD_NANOS;
        if (late > 0) {
            maxLateNanos.accumulateAndGet(late, Math::max);
        }
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
