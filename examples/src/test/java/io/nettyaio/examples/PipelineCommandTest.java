package io.nettyaio.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PipelineCommandTest {
    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

    @Test
    void shouldRunTheChainAndReportBothFailures() throws Exception {
        Path dir = TestFiles.dir("pipeline");
        Files.deleteIfExists(dir.resolve("output.txt"));
        Files.deleteIfExists(dir.resolve("never.txt"));
        assertEquals(0, PipelineCommand.run(new String[] {"--dir", dir.toString()}, out, err),
                () -> outBytes + "\n" + errBytes);
        String expected = Files.readString(dir.resolve("input.txt")).toUpperCase();
        assertEquals(expected, Files.readString(dir.resolve("output.txt")));
        assertEquals(expected, Files.readString(dir.resolve("output.bak")));

        String log = outBytes.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("[5/5] respond   \"" + expected.strip() + "\""), log);
        assertTrue(log.matches("(?s).*2\\. .*failed as expected: .*missing\\.txt.*3\\. .*"), log);
        assertTrue(log.contains("position: 1 (expected: multiple of"), log);
        // The failed chain stopped at its first step: nothing was written for it.
        assertFalse(Files.exists(dir.resolve("never.txt")));
    }

    @Test
    void shouldRejectBadCommandLinesWithStatus2() throws Exception {
        assertEquals(2, PipelineCommand.run(new String[] {"--dir", "target/no-such-dir"}, out, err));
        assertTrue(errBytes.toString()
                .contains("pipeline: --dir: 'target/no-such-dir' (expected: an existing directory)"));
        assertEquals(2, PipelineCommand.run(new String[] {"extra"}, out, err));
        assertTrue(errBytes.toString().contains("unexpected argument 'extra'"));
    }
}
