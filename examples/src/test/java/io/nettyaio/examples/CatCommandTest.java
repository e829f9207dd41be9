package io.nettyaio.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CatCommandTest {
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

    @ParameterizedTest(name = "{0} bytes, depth {1}, bs {2}")
    @CsvSource({"0, 4, 64k", "1, 4, 64k", "10486123, 8, 64k", "10486123, 1, 1m", "300000, 64, 4096"})
    void shouldWriteTheFileInOrder(long size, int depth, String blockSize) throws Exception {
        Path file = TestFiles.random(TestFiles.dir("cat").resolve("cat-" + size + ".bin"), size, size);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = CatCommand.run(new String[] {file.toString(), "--depth", String.valueOf(depth), "--bs",
            blockSize}, out, err);
        assertEquals(0, status, errBytes::toString);
        TestFiles.assertSameBytes(file, new ByteArrayInputStream(out.toByteArray()));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--depth|0|--depth: '0' (expected: an integer from 1 to 1024)",
        "--bs|lots|--bs: 'lots' (expected: a size in bytes",
        "--speed|9|unknown option --speed",
    })
    void shouldRejectBadFlagsWithStatus2(String flag, String value, String message) throws Exception {
        Path file = TestFiles.random(TestFiles.dir("cat").resolve("cat-1.bin"), 1, 1);
        int status = CatCommand.run(new String[] {file.toString(), flag, value}, new ByteArrayOutputStream(), err);
        assertEquals(2, status);
        assertTrue(errBytes.toString().contains("cat: " + message), errBytes::toString);
    }

    @Test
    void shouldRejectMissingFileWithStatus2() throws Exception {
        assertEquals(2, CatCommand.run(new String[] {"target/does-not-exist"}, new ByteArrayOutputStream(), err));
        assertTrue(errBytes.toString().contains("FILE: 'target/does-not-exist' (expected: an existing regular file)"));
        assertEquals(2, CatCommand.run(new String[0], new ByteArrayOutputStream(), err));
        assertTrue(errBytes.toString().contains("missing argument FILE"));
    }

    @Test
    void shouldPrintHelp() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, CatCommand.run(new String[] {"--help"}, out, err));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("usage: cat FILE"));
    }
}
