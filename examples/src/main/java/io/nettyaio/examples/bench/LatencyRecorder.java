package io.nettyaio.examples.bench;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Records request latencies in nanoseconds from any number of threads without allocating, and hands the values
 * recorded since the last call to one reader ({@link #drainInto}).
 */
final class LatencyRecorder {
    /** Longer latencies are recorded as this; a minute means something is badly wrong anyway. */
    static final long HIGHEST_NANOS = 60_000_000_000L;
    static final int SIGNIFICANT_DIGITS = 3;

    private final Recorder recorder = new Recorder(1, HIGHEST_NANOS, SIGNIFICANT_DIGITS);
    private Histogram recycled;

    /** Records {@code System.nanoTime() - startNanos}. */
    void recordSince(long startNanos) {
        long nanos = System.nanoTime() - startNanos;
        recorder.recordValue(Math.max(1, Math.min(nanos, HIGHEST_NANOS)));
    }

    /**
     * Adds what was recorded since the last call to {@code target} (when not null) and forgets it.
     *
     * @return the number of values drained
     */
    synchronized long drainInto(Histogram target) {
        recycled = recorder.getIntervalHistogram(recycled);
        long count = recycled.getTotalCount();
        if (target != null) {
            target.add(recycled);
        }
        return count;
    }

    static Histogram newHistogram() {
        return new Histogram(1, HIGHEST_NANOS, SIGNIFICANT_DIGITS);
    }
}
