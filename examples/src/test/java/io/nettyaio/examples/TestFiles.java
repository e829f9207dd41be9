package io.nettyaio.examples;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Test data under the module's {@code target/} (a real file system: tmpfs ignores O_DIRECT), and byte-for-byte
 * comparison.
 */
public final class TestFiles {
    private static final Path BASE = Path.of("target", "test-data").toAbsolutePath();

    private TestFiles() { }

    /**
     * @param name a directory name
     * @return {@code target/test-data/name}, created if needed
     */
    public static Path dir(String name) throws IOException {
        return Files.createDirectories(BASE.resolve(name));
    }

    /**
     * Creates a file of pseudo-random bytes, determined by {@code seed}, unless it already exists with that size
     * (large files are then reused between runs: they are written to a temporary name and renamed when complete).
     *
     * @return {@code file}
     */
    public static Path random(Path file, long size, long seed) throws IOException {
        if (Files.isRegularFile(file) && Files.size(file) == size) {
            return file;
        }
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        SplittableRandom random = new SplittableRandom(seed);
        byte[] block = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(partial)) {
            for (long left = size; left > 0; left -= block.length) {
                random.nextBytes(block);
                out.write(block, 0, (int) Math.min(block.length, left));
            }
        }
        return Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Fails with the offset of the first difference unless {@code actual} yields exactly {@code expected}'s bytes. */
    public static void assertSameBytes(Path expected, InputStream actual) throws IOException {
        try (InputStream in = Files.newInputStream(expected); InputStream got = actual) {
            byte[] want = new byte[1 << 16];
            byte[] have = new byte[1 << 16];
            long offset = 0;
            while (true) {
                int n = in.readNBytes(want, 0, want.length);
                int m = got.readNBytes(have, 0, n == 0 ? 1 : n);
                if (n == 0) {
                    assertEquals(0, m, "more bytes than " + expected + " (" + offset + " bytes)");
                    return;
                }
                for (int i = 0; i < n; i++) {
                    if (i >= m || want[i] != have[i]) {
                        fail("first difference with " + expected + " at byte " + (offset + i)
                                + (i >= m ? ": body ended" : ""));
                    }
                }
                offset += n;
            }
        }
    }

    /** Fails unless both files have the same bytes. */
    public static void assertSameFile(Path expected, Path actual) throws IOException {
        long mismatch = Files.mismatch(expected, actual);
        assertEquals(-1, mismatch, () -> expected + " and " + actual + " differ at byte " + mismatch);
    }
}
