package io.nettyaio.channel;

import io.netty.buffer.ByteBuf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@link FileIo} over a JDK {@link FileChannel}: the fallback engine's file, used where Linux AIO is unavailable.
 * Heap and direct segments alike go through {@link ByteBuf#nioBuffer(int, int)} (no copy for a single component).
 * There is no {@code fallocate} in the JDK: {@link #allocate} only extends the size (blocks are not reserved).
 */
final class JdkFileIo implements FileIo {
    private final Path path;
    private final FileChannel channel;

    JdkFileIo(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
    }

    @Override
    public int fd() {
        return -1;
    }

    @Override
    public boolean isDirectory() {
        return Files.isDirectory(path);
    }

    @Override
    public long size() throws IOException {
        return channel.size();
    }

    @Override
    public long read(ByteBuf segment, int index, int length, long position) throws IOException {
        ByteBuffer target = segment.nioBuffer(index, length);
        int n = channel.read(target, position);
        return Math.max(n, 0);
    }

    @Override
    public long write(ByteBuf segment, int index, int length, long position) throws IOException {
        return channel.write(segment.nioBuffer(index, length), position);
    }

    @Override
    public void sync(boolean metadata) throws IOException {
        channel.force(metadata);
    }

    @Override
    public void truncate(long size) throws IOException {
        long current = channel.size();
        if (size < current) {
            channel.truncate(size);
        } else if (size > current) {
            channel.write(ByteBuffer.allocate(1), size - 1); // extends; the rest reads as zeros
        }
    }

    @Override
    public void allocate(long position, long length) throws IOException {
        if (position + length > channel.size()) {
            truncate(position + length);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
