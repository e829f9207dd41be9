package io.nettyaio.examples.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.nettyaio.linux.AioAbi;
import io.nettyaio.linux.Errno;
import io.nettyaio.linux.IovecArray;
import io.nettyaio.linux.NativeFile;
import io.nettyaio.linux.OpenFlags;
import org.junit.jupiter.api.Test;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class BenchFileTest {
    private static final Path FILE = Paths.get("target", "bench-test", "evict.dat");
    private static final int SIZE = 64 * 1024;

    /** RWF_NOWAIT reads only what the page cache holds: the proof of what {@code --cold} dropped. */
    @Test
    void shouldDropTheFilesPagesFromThePageCache() throws Exception {
        BenchFile.prepare(FILE, SIZE, System.err);
        try (FileChannel channel = FileChannel.open(FILE, StandardOpenOption.READ)) {
            channel.force(true); // clean pages: DONTNEED drops only those
        }
        Files.readAllBytes(FILE);
        ByteBuf buf = Unpooled.directBuffer(4096);
        IovecArray iov = new IovecArray(1);
        NativeFile file = NativeFile.open(FILE.toString(), OpenFlags.RDONLY, 0);
        try {
            iov.set(0, buf.memoryAddress(), 4096);
            long cached = file.preadv2(iov, 1, SIZE - 4096, AioAbi.RWF_NOWAIT);
            assumeTrue(cached != -Errno.EOPNOTSUPP, "this file system cannot read with RWF_NOWAIT");
            assertEquals(4096, cached, "read a moment ago, so in the page cache");

            BenchFile.evictFromPageCache(FILE);

            assertEquals(-Errno.EAGAIN, file.preadv2(iov, 1, SIZE - 4096, AioAbi.RWF_NOWAIT));
        } finally {
            file.close();
            iov.free();
            buf.release();
            Files.deleteIfExists(FILE);
        }
    }
}
