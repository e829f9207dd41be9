package io.nettyaio.examples.bench;

import io.nettyaio.linux.NativeFile;
import io.nettyaio.linux.NativeLibrary;
import io.nettyaio.linux.OpenFlags;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/** Makes sure the benchmark file exists and holds at least {@code --size} bytes. */
final class BenchFile {
    static final int CHUNK = 1 << 20;

    private BenchFile() { }

    /**
     * Creates the file (and its directories) when missing, or extends it when shorter than {@code size}, with random
     * bytes written in 1 MiB chunks, then fsyncs it. Bytes already there are kept.
     *
     * @param file the file
     * @param size the least length wanted
     * @param log  where to say that the file is being written
     * @throws BenchUsageException when the path exists and is not a regular file
     * @throws IOException    when it cannot be written
     */
    static void prepare(Path file, long size, PrintStream log) throws IOException, BenchUsageException {
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(file)) {
            throw BenchUsageException.badValue("--file", file.toString(),
                    "a regular file, or a path where one can be made");
        }
        long length = Files.exists(file) ? Files.size(file) : 0;
        if (length >= size) {
            return;
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        log.println("bench: writing " + Sizes.format(size - length) + " of random bytes to " + file);
        byte[] random = new byte[CHUNK];
        ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            for (long position = length; position < size; ) {
                ThreadLocalRandom.current().nextBytes(random);
                int n = (int) Math.min(CHUNK, size - position);
                chunk.clear();
                chunk.put(random, 0, n).flip();
                while (chunk.hasRemaining()) {
                    position += channel.write(chunk, position);
                }
            }
            channel.force(true);
        }
    }

    /**
     * Drops the file's clean pages from the page cache ({@code posix_fadvise(POSIX_FADV_DONTNEED)}), as fio's
     * {@code --invalidate=1} does when it opens the file: buffered reads that follow go to the device.
     *
     * @param file the file
     * @throws IOException when the native binding is unavailable, or the file cannot be opened or advised
     */
    static void evictFromPageCache(Path file) throws IOException {
        if (!NativeLibrary.isLoaded()) {
            throw new IOException("--cold true: the native binding is unavailable, so the page cache cannot be told"
                    + " to drop " + file);
        }
        NativeFile f = NativeFile.open(file.toString(), OpenFlags.RDONLY, 0);
        try {
            f.advise(0, 0, NativeFile.POSIX_FADV_DONTNEED);
        } finally {
            f.close();
        }
    }
}
