package io.nettyaio.examples.options;

import io.netty.util.concurrent.Future;
import io.nettyaio.examples.CommandLine;
import io.nettyaio.examples.CommandUsageException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** What the two commands share: list options, waiting for a setup step, the machine's load. */
final class Options {
    private Options() { }

    /** Parses a comma-separated list of integers, each in {@code [min, max]}. */
    static List<Integer> intList(CommandLine cl, String flag, String defaultValue, int min, int max)
            throws CommandUsageException {
        List<Integer> values = new ArrayList<>();
        String text = cl.value(flag, defaultValue);
        for (String s : text.split(",")) {
            try {
                int v = Integer.parseInt(s.trim());
                if (v >= min && v <= max) {
                    values.add(v);
                    continue;
                }
            } catch (NumberFormatException e) {
                // reported below, with the expectation
            }
            throw new CommandUsageException(flag + ": '" + text + "' (expected: integers from " + min + " to " + max
                    + ", separated by commas)");
        }
        return values;
    }

    /** Waits for a setup step (allocate, fsync) and rethrows its failure. */
    static <T> T await(Future<T> f) throws Exception {
        if (!f.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("a setup step did not complete within 60 s");
        }
        if (!f.isSuccess()) {
            throw f.cause() instanceof Exception ? (Exception) f.cause() : new IllegalStateException(f.cause());
        }
        return f.getNow();
    }

    /** @return the one-minute load average, for the report ({@code -1} where /proc/loadavg is unreadable) */
    static double loadAverage() {
        try {
            String text = new String(Files.readAllBytes(Paths.get("/proc/loadavg")), StandardCharsets.US_ASCII);
            return Double.parseDouble(text.split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static String format(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }
}
