package io.nettyaio.examples.bench;

import org.HdrHistogram.Histogram;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The measured window of one run. Engines get their latency recorders and stall probes here; the run's thread calls
 * {@link #begin()} after the warm-up, {@link #poll()} now and then, and {@link #end} once. Values recorded before
 * {@code begin()} are thrown away.
 */
final class Measurement {
    private final List<LatencyRecorder> recorders = new CopyOnWriteArrayList<>();
    private final List<StallProbe> probes = new CopyOnWriteArrayList<>();
    private final Histogram total = LatencyRecorder.newHistogram();
    private boolean measuring;
    private long startNanos;
    private long startCpuNanos;

    Measurement() {
        // Loads the clock's jnr-ffi binding now, before any engine runs: loaded at the window's start, the class
        // generation deoptimised compiled code the loops were running (loop stalls of 3-6 ms, more JIT work inside
        // the window; JFR's Deoptimization events)
        CpuClock.processCpuNanos();
    }

    LatencyRecorder newRecorder() {
        LatencyRecorder recorder = new LatencyRecorder();
        recorders.add(recorder);
        return recorder;
    }

    StallProbe newStallProbe() {
        StallProbe probe = new StallProbe();
        probes.add(probe);
        return probe;
    }

    /** Starts the measured window: forgets latencies and stalls seen so far, reads the clocks. */
    void begin() {
        for (LatencyRecorder recorder : recorders) {
            recorder.drainInto(null);
        }
        for (StallProbe probe : probes) {
            probe.reset();
        }
        total.reset();
        startCpuNanos = CpuClock.processCpuNanos();
        startNanos = System.nanoTime();
        measuring = true;
    }

    /**
     * Collects what was recorded since the last poll (kept only when measuring).
     *
     * @return the number of completions since the last poll
     */
    long poll() {
        long count = 0;
        for (LatencyRecorder recorder : recorders) {
            count += recorder.drainInto(measuring ? total : null);
        }
        return count;
    }

    /** Ends the measured window and summarizes it. */
    BenchResult end(BenchOptions options) {
        if (!measuring) {
            throw new IllegalStateException("end() before begin()");
        }
        long endNanos = System.nanoTime();
        long endCpuNanos = CpuClock.processCpuNanos();
        // Before the drain below: on two cores its work on this thread can keep a loop off a CPU
        long stall = 0;
        for (StallProbe probe : probes) {
            stall = Math.max(stall, probe.maxLateNanos());
        }
        poll();
        measuring = false;
        double cpuSeconds = startCpuNanos < 0 || endCpuNanos < 0 ? Double.NaN : (endCpuNanos - startCpuNanos) / 1e9;
        return BenchResult.of(options, total, (endNanos - startNanos) / 1e9, cpuSeconds, stall);
    }
}
