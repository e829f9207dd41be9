package io.nettyaio.examples.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.util.concurrent.TimeUnit;

/**
 * Runs one engine through warm-up and measured window: prepares the file, starts the engine, polls the recorders
 * (for the progress line and to notice failures), then stops the closed loop, waits for it to drain and closes.
 */
final class BenchRunner {
    static final long DRAIN_TIMEOUT_SECONDS = 30;
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private final PrintStream log;
    private final Progress progress;

    BenchRunner(PrintStream log, Progress progress) {
        this.log = log;
        this.progress = progress;
    }

    /**
     * Runs the benchmark that {@code options} describe.
     *
     * @return the measured window's result
     * @throws BenchUsageException       when the options do not suit the file
     * @throws IOException          when a request fails or the file cannot be prepared or opened
     * @throws InterruptedException when interrupted while waiting
     */
    BenchResult run(BenchOptions options) throws IOException, BenchUsageException, InterruptedException {
        BenchFile.prepare(options.file(), options.size(), log);
        Flight flight = new Flight();
        Measurement measurement = new Measurement();
        Engine engine = Engines.create(options, flight, measurement);
        BenchResult result;
        try {
            engine.start();
            String label = options.engine().flagValue() + " " + options.pattern().flagValue() + " "
                    + Sizes.format(options.bs()).replace(" ", "") + " x" + options.iodepth();
            phase(label, "warmup", options.warmup(), measurement, flight);
            if (options.cold()) {
                // The warm-up ran the JIT and the first collections; the measured window starts with a cold file
                BenchFile.evictFromPageCache(options.file());
            }
            measurement.begin();
            long windowStartMillis = System.currentTimeMillis();
            phase(label, "run", options.runtime(), measurement, flight);
            result = measurement.end(options).withIoEngine(engine.ioEngine());
            // For scripts that line up what other processes saw with the window (cold-compare.sh --witness)
            log.println("bench: measured window " + windowStartMillis + ".." + System.currentTimeMillis()
                    + " (ms since the epoch)");
            if (result.ioEngine() != null) {
                log.println("bench: io engine " + result.ioEngine());
            }
        } finally {
            progress.clear();
            flight.stop();
            if (flight.inFlight() > 0 && !flight.awaitLanded(DRAIN_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                log.println("bench: " + flight.inFlight() + " requests still in flight after " + DRAIN_TIMEOUT_SECONDS
                        + " s; closing anyway");
            }
            String counters = engine.counters();
            if (counters != null) {
                log.println("bench: " + counters.replace("\n", "\nbench: "));
            }
            engine.close();
        }
        checkFailure(flight);
        return result;
    }

    private void phase(String label, String phase, double seconds, Measurement measurement, Flight flight)
            throws IOException, InterruptedException {
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long last = start;
        for (long now = start; now < end; ) {
            TimeUnit.NANOSECONDS.sleep(Math.min(POLL_NANOS, end - now));
            long ops = measurement.poll();
            now = System.nanoTime();
            checkFailure(flight);
            progress.update(label, phase, (now - start) / 1e9, seconds, ops * 1e9 / Math.max(1, now - last));
            last = now;
        }
    }

    private static void checkFailure(Flight flight) throws IOException {
        Throwable cause = flight.failure();
        if (cause != null) {
            throw new IOException("a request failed: " + cause, cause);
        }
    }
}
