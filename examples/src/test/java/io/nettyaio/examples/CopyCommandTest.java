package io.nettyaio.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 90, unit = TimeUnit.SECONDS)
class CopyCommandTest {
    private static final long MIB = 1 << 20;

    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

    private int copy(String... args) throws InterruptedException {
        return CopyCommand.run(args, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), err,
                false);
    }

    @ParameterizedTest(name = "{0} bytes, direct={1}, depth {2}, bs {3}")
    @CsvSource({
        "104857600, false, 8, 1m",
        "104857600, true, 8, 1m",
        "1049353, true, 4, 64k",
        "1049353, false, 3, 4k",
        "4095, true, 2, 4k",
        "0, true, 8, 1m",
        "0, false, 8, 1m",
    })
    void shouldCopyIdenticalBytes(long size, boolean direct, int depth, String blockSize) throws Exception {
        Path dir = TestFiles.dir("copy");
        Path src = TestFiles.random(dir.resolve("src-" + size + ".bin"), size, size + 7);
        Path dst = dir.resolve("dst-" + size + "-" + direct + ".bin");
        // A longer leftover destination must come out truncated to the source's size.
        Files.write(dst, new byte[(int) Math.min(size + 5000, 10 * MIB)]);
        List<String> args = new ArrayList<>(List.of(src.toString(), dst.toString(), "--depth",
                String.valueOf(depth), "--bs", blockSize));
        if (direct) {
            args.add("--direct");
        }
        assertEquals(0, copy(args.toArray(new String[0])), errBytes::toString);
        TestFiles.assertSameFile(src, dst);
    }

    @Test
    void shouldRefuseBlockSizeNotMultipleOfAlignmentWithDirectBeforeTouchingDst() throws Exception {
        Path dir = TestFiles.dir("copy");
        Path src = TestFiles.random(dir.resolve("src-misaligned.bin"), 10000, 1);
        Path dst = dir.resolve("dst-misaligned.bin");
        Files.deleteIfExists(dst);
        int status = copy(src.toString(), dst.toString(), "--direct", "--bs", "1000");
        assertEquals(2, status, errBytes::toString);
        String expected = "(?s)copy: --bs: 1000 \\(expected: a multiple of \\d+ with --direct\\).*";
        assertTrue(errBytes.toString().matches(expected), errBytes::toString);
        assertFalse(Files.exists(dst));
    }

    @Test
    void shouldPrintHelpToStandardOutput() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, CopyCommand.run(new String[] {"--help"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                err, false));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("usage: copy SRC DST"));
    }

    @Test
    void shouldRejectBadCommandLinesWithStatus2() throws Exception {
        Path src = TestFiles.random(TestFiles.dir("copy").resolve("src-small.bin"), 100, 1);
        assertEquals(2, copy(src.toString()));
        assertTrue(errBytes.toString().contains("copy: missing argument DST"));
        assertEquals(2, copy(src.toString(), "x", "--depth", "-3"));
        assertTrue(errBytes.toString().contains("copy: --depth: '-3' (expected: an integer from 1 to 1024)"));
        assertEquals(2, copy(src.toString(), src.toString()));
        assertTrue(errBytes.toString().contains("(expected: a file other than SRC)"));
        assertEquals(2, copy("nope", "x"));
        assertTrue(errBytes.toString().contains("SRC: 'nope' (expected: an existing regular file)"));
    }
}
