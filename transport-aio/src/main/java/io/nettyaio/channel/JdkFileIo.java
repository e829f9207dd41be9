package io.nettyaio.channel;

import io.netty.buffer.ByteBuf;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@link FileIo} over a JDK {@link FileChannel}: the blocking engine's file, used where Linux AIO is unavailable.
 * Segments go through {@link ByteBuf#nioBuffer(int, int)}. There is no {@code fallocate} in the JDK:
 * {@link #allocate} only extends the size (blocks are not reserved).
 */
final class JdkFileIo implements FileIo {
    private final Path path;
    private final FileChannel channel;
    private final boolean direct;

    private JdkFileIo(Path path, FileChannel channel, boolean direct) {
        this.path = path;
        this.channel = channel;
        this.direct = direct;
    }

    static JdkFileIo open(Path path, OpenOptions options) throws IOException {
        FileOpener.checkType(path);
        try {
            return new JdkFileIo(path, FileChannel.open(path, options.jdkOptions()), options.direct);
        } catch (FileSystemException e) {
            // The JDK reports EINVAL as its strerror text and nothing else
            if (options.direct && "Invalid argument".equals(e.getReason())) {
                FileSystemException named = new FileSystemException(path.toString(), null, e.getReason() + "; "
                        + FileOpener.directUnsupported(path));
                named.initCause(e);
                throw named;
            }
            throw e;
        }
    }

    @Override
    public boolean isDirectory() {
        return Files.isDirectory(path);
    }

    @Override
    public int[] directAlignment() throws IOException {
        long block = Files.getFileStore(path).getBlockSize();
        return block > FileState.DEFAULT_DIRECT_ALIGNMENT ? new int[]{(int) block, (int) block} : null;
    }

    @Override
    public long size() throws IOException {
        return channel.size();
    }

    @Override
    public long read(ByteBuf segment, int index, int length, long position) throws IOException {
        int n = channel.read(segment.nioBuffer(index, length), position);
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
        } else if (size > current && direct) {
            // An O_DIRECT channel refuses the one-byte write below (unaligned); FileChannel cannot extend otherwise.
            // RandomAccessFile.setLength is ftruncate, on a descriptor of its own: by path, so a file renamed over
            // since it was opened would be the one extended.
            try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw")) {
                file.setLength(size);
            }
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
