package io.nettyaio.examples.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's first command, on a small file and short runs: its file is temporary unless it was there before. */
class DefaultComparisonTest {
    private static final Path FILE = Paths.get("target", "bench-test", "default-comparison.dat");

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    @Timeout(60)
    void shouldDeleteTheFileItCreatedAndKeepOneThatWasThere() throws Exception {
        Files.deleteIfExists(FILE);
        assertEquals(0, run(), err.toString(StandardCharsets.UTF_8));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("jdk-async"), out.toString(StandardCharsets.UTF_8));
        assertFalse(Files.exists(FILE), "the file this run created is gone");

        BenchFile.prepare(FILE, 8 << 20, new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, run(), err.toString(StandardCharsets.UTF_8));
            assertTrue(Files.exists(FILE), "a file that was there before stays");
        } finally {
            Files.deleteIfExists(FILE);
        }
    }

    private int run() throws Exception {
        BenchOptions options = BenchOptions.parse(new String[] {"--size", "8m", "--runtime", "0.3", "--warmup", "0.1",
            "--file", FILE.toString()});
        return DefaultComparison.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Progress.NONE, options);
    }
}
