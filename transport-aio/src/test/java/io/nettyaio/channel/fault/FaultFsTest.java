package io.nettyaio.channel.fault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Proves {@link FaultFs} with plain JDK I/O. Skipped, with the reason, where FUSE cannot be used. */
@Timeout(60)
class FaultFsTest {

    private static final int SIZE = 1 << 20;

    private FaultFs fs;
    private Path mountPoint;

    @BeforeEach
    void mount() throws IOException {
        String reason = FaultFs.unavailableReason();
        Assumptions.assumeTrue(reason == null, reason);
        fs = new FaultFs(SIZE);
        mountPoint = fs.mountPoint();
        assertTrue(Harness.isMounted(mountPoint), "mounted");
    }

    @AfterEach
    void unmount() throws IOException {
        if (fs != null) {
            fs.close();
            assertFalse(Harness.isMounted(mountPoint), "close() must leave no mount behind: " + Harness.mounts());
            assertFalse(Files.exists(mountPoint), "mount point removed");
        }
    }

    @Test
    void shouldServeAZeroFilledDataFileOfTheRequestedSizeThatKeepsWrites() throws IOException {
        assertEquals(SIZE, Files.size(fs.dataFile()));
        try (FileChannel ch = FileChannel.open(fs.dataFile(), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            assertArrayEquals(new byte[4096], read(ch, 8192, 4096));
            byte[] pattern = pattern(10000, 7);
            assertEquals(pattern.length, ch.write(ByteBuffer.wrap(pattern), 12345));
            assertArrayEquals(pattern, read(ch, 12345, pattern.length));
            ch.truncate(100_000);
            assertEquals(100_000, ch.size());
            ch.force(true);
        }
    }

    @Test
    void shouldFailReadsOverlappingAnInjectedEioRangeOnly() throws IOException {
        fs.inject(FaultFs.Op.READ, 4096, 4096, FaultFs.EIO, 0);
        try (FileChannel ch = FileChannel.open(fs.dataFile(), StandardOpenOption.READ)) {
            IOException e = assertThrows(IOException.class, () -> read(ch, 4096, 4096));
            assertTrue(e.getMessage().contains("Input/output error"), e.getMessage());
            assertThrows(IOException.class, () -> read(ch, 8000, 100), "partial overlap at the end");
            assertThrows(IOException.class, () -> read(ch, 4000, 100), "partial overlap at the start");
            assertEquals(4096, read(ch, 0, 4096).length, "the range before is healthy");
            assertEquals(4096, read(ch, 8192, 4096).length, "the range after is healthy");
        }
        try (FileChannel ch = FileChannel.open(fs.dataFile(), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(4096), 4096);  // a READ rule leaves writes alone
        }
        assertEquals(3, fs.hits());
    }

    @Test
    void shouldFailODirectReadsToo() throws IOException {
        fs.inject(0, 4096, FaultFs.EIO, 0);
        try (FileChannel ch = FileChannel.open(fs.dataFile(), StandardOpenOption.READ, ExtendedOpenOption.DIRECT)) {
            ByteBuffer buf = ByteBuffer.allocateDirect(3 * 4096).alignedSlice(4096);
            buf.limit(4096);
            assertThrows(IOException.class, () -> ch.read(buf, 0));
            buf.clear().limit(4096);
            assertEquals(4096, ch.read(buf, 4096));
        }
    }

    @Test
    void shouldFailWritesWithAnInjectedEnospc() throws IOException {
        fs.inject(FaultFs.Op.WRITE, 0, 1, FaultFs.ENOSPC, 0);
        try (FileChannel ch = FileChannel.open(fs.dataFile(), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            IOException e = assertThrows(IOException.class, () -> ch.write(ByteBuffer.wrap(pattern(512, 1)), 0));
            assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
            assertEquals(512, ch.write(ByteBuffer.wrap(pattern(512, 1)), 65536));
            assertArrayEquals(new byte[512], read(ch, 0, 512), "the failed write changed nothing");
            assertArrayEquals(pattern(512, 1), read(ch, 65536, 512), "reads are not affected");
        }
    }

    @Test
    void shouldFailFsyncAndTruncateWithInjectedErrors() throws IOException {
        fs.inject(FaultFs.Op.FSYNC, 0, 1, FaultFs.EIO, 0);  // fsync touches the whole file: any range matches
        fs.inject(FaultFs.Op.TRUNCATE, 0, 1, FaultFs.EFBIG, 0);
        try (FileChannel ch = FileChannel.open(fs.dataFile(), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(pattern(100, 3)), 0);
            assertThrows(IOException.class, () -> ch.force(true));
            assertThrows(IOException.class, () -> ch.force(false));
            IOException e = assertThrows(IOException.class, () -> ch.truncate(4096));
            assertTrue(e.getMessage().contains("File too large"), e.getMessage());
            assertEquals(SIZE, ch.size());
        }
        assertEquals(3, fs.hits());
    }

    @Test
    void shouldFailOpenOnlyWhenAnOpenRuleIsNamed() throws IOException {
        fs.inject(0, Long.MAX_VALUE, 0, 0);  // ANY excludes OPEN
        FileChannel.open(fs.dataFile(), StandardOpenOption.READ).close();
        fs.inject(EnumSet.of(FaultFs.Op.OPEN), 0, 1, FaultFs.EACCES, 0, 1);
        IOException e = assertThrows(IOException.class, () -> FileChannel.open(fs.dataFile()).close());
        assertTrue(e.getMessage().contains("Permission denied") || e.getClass().getSimpleName().contains("Access"),
                e.toString());
        FileChannel.open(fs.dataFile()).close();  // times = 1: the rule has retired
    }

    @Test
    void shouldRetireARuleAfterTimesMatches() throws IOException {
        fs.inject(EnumSet.of(FaultFs.Op.READ), 0, 4096, FaultFs.EIO, 0, 2);
        try (FileChannel ch = FileChannel.open(fs.dataFile(), StandardOpenOption.READ)) {
            assertThrows(IOException.class, () -> read(ch, 0, 4096));
            assertThrows(IOException.class, () -> read(ch, 0, 4096));
            assertEquals(4096, read(ch, 0, 4096).length);
        }
        assertEquals(2, fs.hits());
    }

    @Test
    void shouldDelayAReadByAtLeastTheInjectedDelay() throws IOException {
        fs.inject(FaultFs.Op.READ, 0, Long.MAX_VALUE, 0, 300);
        try (FileChannel ch = FileChannel.open(fs.dataFile(), StandardOpenOption.READ)) {
            long start = System.nanoTime();
            assertArrayEquals(new byte[4096], read(ch, 0, 4096));
            long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(elapsedMillis >= 300, "read took " + elapsedMillis + " ms, expected >= 300 ms");
        }
        assertEquals(1, fs.hits());
    }

    @Test
    void shouldServeDelayedRequestsConcurrently() throws Exception {
        int threads = 8;
        long delay = 500;
        fs.inject(FaultFs.Op.READ, 0, Long.MAX_VALUE, 0, delay);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (FileChannel ch = FileChannel.open(fs.dataFile(), StandardOpenOption.READ)) {
            long start = System.nanoTime();
            List<Future<byte[]>> reads = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                long position = i * 4096L;
                reads.add(pool.submit(() -> read(ch, position, 4096)));
            }
            for (Future<byte[]> f : reads) {
                assertEquals(4096, f.get(30, TimeUnit.SECONDS).length);
            }
            long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            // Serialized they would take threads * delay = 4 s; only a very generous upper bound is asserted.
            assertTrue(elapsedMillis >= delay && elapsedMillis < threads * delay * 3 / 4,
                    threads + " reads delayed " + delay + " ms each took " + elapsedMillis + " ms in all");
        } finally {
            pool.shutdownNow();
        }
        assertEquals(threads, fs.hits());
    }

    @Test
    void shouldRestoreNormalIoAfterClear() throws IOException {
        fs.inject(0, Long.MAX_VALUE, FaultFs.EIO, 0);
        try (FileChannel ch = FileChannel.open(fs.dataFile(), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            assertThrows(IOException.class, () -> read(ch, 0, 4096));
            assertThrows(IOException.class, () -> ch.write(ByteBuffer.wrap(pattern(64, 9)), 0));
            fs.clear();
            assertEquals("", fs.rules());
            assertEquals(64, ch.write(ByteBuffer.wrap(pattern(64, 9)), 0));
            assertArrayEquals(pattern(64, 9), read(ch, 0, 64));
        }
    }

    @Test
    void shouldRejectMalformedControlLines() throws IOException {
        IOException e = assertThrows(IOException.class,
                () -> Files.write(fs.controlFile(), "read 0 x 5 0\n".getBytes(StandardCharsets.US_ASCII)));
        assertTrue(e.getMessage().contains("Invalid argument"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> fs.inject(0, 0, FaultFs.EIO, 0));
        assertEquals("", fs.rules(), "a rejected write adds nothing");
        fs.inject(FaultFs.Op.WRITE, 10, 20, FaultFs.EDQUOT, 5);
        assertEquals("write 10 20 122 5 0 0\n", fs.rules());
    }

    @Test
    void shouldFailIoWithoutHangingWhenTheDaemonIsKilled() throws IOException {
        FileChannel ch = FileChannel.open(fs.dataFile(), StandardOpenOption.READ);
        try {
            fs.killDaemon();
            IOException e = assertThrows(IOException.class, () -> read(ch, 0, 4096));
            assertTrue(e.getMessage().contains("Transport endpoint is not connected"), e.getMessage());
            assertThrows(IOException.class, () -> Files.size(fs.dataFile()));
        } finally {
            try {
                ch.close();
            } catch (IOException expected) {
                // close(2) sends FLUSH, which a dead connection answers with ENOTCONN
            }
        }
        // @AfterEach checks that close() still removes the dead mount.
    }

    @Test
    void shouldUnmountOnCloseEvenWhileAFileIsOpen() throws IOException {
        FileChannel ch = FileChannel.open(fs.dataFile(), StandardOpenOption.READ);
        try {
            fs.close();
            assertFalse(Harness.isMounted(mountPoint), "lazy unmount must hide the busy mount");
            assertTrue(Harness.mountsUnder(Harness.workDir()).stream()
                    .noneMatch(m -> m.mountPoint.startsWith(mountPoint.toString())), Harness.mounts().toString());
        } finally {
            ch.close();
        }
    }

    @Test
    void shouldReleaseARequestStuckInALongDelayOnClose() throws Exception {
        fs.inject(FaultFs.Op.READ, 0, Long.MAX_VALUE, 0, 60_000);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            FileChannel ch = FileChannel.open(fs.dataFile(), StandardOpenOption.READ);
            Future<byte[]> stuck = pool.submit(() -> read(ch, 0, 4096));
            assertTrue(Harness.await(() -> hits() == 1, Duration.ofSeconds(10)), "the read reached the daemon");
            long start = System.nanoTime();
            fs.close();
            ExecutionException e = assertThrows(ExecutionException.class, () -> stuck.get(10, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof IOException, e.toString());
            long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(elapsedMillis < 30_000, "close() took " + elapsedMillis + " ms");
            try {
                ch.close();
            } catch (IOException expected) {
                // the connection is gone: FLUSH fails with ENOTCONN
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private long hits() {
        try {
            return fs.hits();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] read(FileChannel ch, long position, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length);
        while (buf.hasRemaining()) {
            if (ch.read(buf, position + buf.position()) < 0) {
                break;
            }
        }
        byte[] bytes = new byte[buf.position()];
        buf.flip().get(bytes);
        return bytes;
    }

    static byte[] pattern(int length, int seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }
}
