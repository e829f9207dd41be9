package io.nettyaio.channel;

import io.netty.buffer.ByteBuf;
import io.nettyaio.linux.AioAbi;
import io.nettyaio.linux.Errno;
import io.nettyaio.linux.IovecArray;
import io.nettyaio.linux.NativeFile;
import io.nettyaio.linux.NativeLibrary;
import io.nettyaio.linux.OpenFlags;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link AioOpenOption#RANDOM_ACCESS} turns the kernel's readahead off for the channel's descriptor: after one 4 KiB
 * read of a cold file, the next pages are not in the page cache, where without the hint the readahead brought them
 * in. The page cache is asked with {@code preadv2(RWF_NOWAIT)} on a descriptor of its own, which reads only cached
 * pages.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AccessHintTest {
    private static final int PAGE = 4096;
    private static final int SIZE = 1 << 20;
    private static AioEventLoopGroup group;

    @BeforeAll
    static void startLoop() {
        assumeTrue(NativeLibrary.isLoaded(), "the native binding is unavailable");
        group = new AioEventLoopGroup(1);
    }

    @AfterAll
    static void stopLoop() throws InterruptedException {
        if (group != null) {
            assertTrue(group.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void shouldReadOnlyThePagesAskedForWithRandomAccess() throws Exception {
        Path path = coldFile("random-access.dat");
        try {
            int readAhead = pagesCachedAfterReadingPageZero(path);
            assumeTrue(readAhead > 0, "this file system or device reads nothing ahead: no readahead to turn off");

            coldFile("random-access.dat");
            int random = pagesCachedAfterReadingPageZero(path, AioOpenOption.RANDOM_ACCESS);

            assertEquals(0, random, "pages after page 0 cached with RANDOM_ACCESS (without it: " + readAhead + ")");
        } finally {
            Files.deleteIfExists(path);
        }
    }

    @Test
    void shouldOpenWithSequentialAccessAndIgnoreHintsWithDirect() throws Exception {
        Path path = coldFile("sequential-access.dat");
        try {
            try (AioFileChannel sequential = AioFileChannel.open(path, group.next(), READ,
                    AioOpenOption.SEQUENTIAL_ACCESS)) {
                assertEquals(PAGE, read(sequential, 0));
            }
            try (AioFileChannel direct = AioFileChannel.open(path, group.next(), READ, AioOpenOption.DIRECT,
                    AioOpenOption.RANDOM_ACCESS)) {
                assertEquals(PAGE, read(direct, 0));
            }
        } finally {
            Files.deleteIfExists(path);
        }
    }

    @Test
    void shouldTranslateTheHintsIntoAdvice() {
        assertEquals(NativeFile.POSIX_FADV_NORMAL, OpenOptions.parse(READ).accessAdvice());
        assertEquals(NativeFile.POSIX_FADV_RANDOM, OpenOptions.parse(READ, AioOpenOption.RANDOM_ACCESS).accessAdvice());
        assertEquals(NativeFile.POSIX_FADV_SEQUENTIAL,
                OpenOptions.parse(READ, AioOpenOption.SEQUENTIAL_ACCESS, AioOpenOption.SEQUENTIAL_ACCESS)
                        .accessAdvice());
        assertEquals(NativeFile.POSIX_FADV_NORMAL,
                OpenOptions.parse(READ, AioOpenOption.DIRECT, AioOpenOption.RANDOM_ACCESS).accessAdvice(),
                "O_DIRECT reads nothing ahead: no advice");
    }

    /** @return how many of the 15 pages after page 0 the page cache holds after one read of page 0 */
    private static int pagesCachedAfterReadingPageZero(Path path, OpenOption... hint) throws Exception {
        OpenOption[] options = new OpenOption[hint.length + 1];
        options[0] = READ;
        System.arraycopy(hint, 0, options, 1, hint.length);
        try (AioFileChannel channel = AioFileChannel.open(path, group.next(), options)) {
            assertEquals(PAGE, read(channel, 0));
        }
        NativeFile probe = NativeFile.open(path.toString(), OpenFlags.RDONLY, 0);
        IovecArray iov = new IovecArray(1);
        ByteBuf buf = AioBuffers.directBuffer(PAGE, PAGE);
        try {
            // A RWF_NOWAIT read that misses still starts readahead on its descriptor: the probe's own must be off
            probe.advise(0, 0, NativeFile.POSIX_FADV_RANDOM);
            iov.set(0, buf.memoryAddress(), PAGE);
            assumeTrue(probe.preadv2(iov, 1, 0, AioAbi.RWF_NOWAIT) != -Errno.EOPNOTSUPP,
                    "this file system cannot read with RWF_NOWAIT");
            assertEquals(PAGE, probe.preadv2(iov, 1, 0, AioAbi.RWF_NOWAIT), "page 0, just read, is cached");
            int cached = 0;
            for (int page = 1; page < 16; page++) {
                if (probe.preadv2(iov, 1, (long) page * PAGE, AioAbi.RWF_NOWAIT) == PAGE) {
                    cached++;
                }
            }
            return cached;
        } finally {
            buf.release();
            iov.free();
            probe.close();
        }
    }

    private static int read(AioFileChannel channel, long position) throws Exception {
        ByteBuf buf = AioBuffers.directBuffer(PAGE, channel.alignment());
        try {
            return channel.read(buf, position).get(10, TimeUnit.SECONDS);
        } finally {
            buf.release();
        }
    }

    /** A file of random bytes on the disk, written back and dropped from the page cache. */
    private static Path coldFile(String name) throws Exception {
        Path path = ReliabilitySupport.file(name);
        Files.write(path, ReliabilitySupport.random(SIZE, 7));
        try (FileChannel channel = FileChannel.open(path, READ, WRITE)) {
            channel.force(true);
        }
        NativeFile file = NativeFile.open(path.toString(), OpenFlags.RDONLY, 0);
        try {
            file.advise(0, 0, NativeFile.POSIX_FADV_DONTNEED);
        } finally {
            file.close();
        }
        return path;
    }
}
