package io.nettyaio.channel;

import io.netty.buffer.ByteBuf;

import java.io.IOException;

/**
 * The synchronous operations on an open file, the ones blocking threads run. Two implementations: {@link NativeFileIo}
 * over a native descriptor (opened by the kernel engine, which also submits on that descriptor), and {@link JdkFileIo}
 * over a JDK {@link java.nio.channels.FileChannel} (the blocking engine, where Linux AIO is unavailable).
 *
 * <p>{@code read}/{@code write} take one buffer segment with a memory address (callers bounce other buffers through
 * a direct one). Errors are {@link IOException}s; the native ones are {@link io.nettyaio.linux.NativeIoException}s
 * with the errno. Thread-safe except {@link #close()}.
 */
interface FileIo {
    /** @return whether the file is a directory */
    boolean isDirectory() throws IOException;

    long size() throws IOException;

    /**
     * @return the alignment O_DIRECT needs here as {memory, offset}, or {@code null} when the file system does not
     *         say
     */
    int[] directAlignment() throws IOException;

    /** Positional read into {@code [index, index+length)} of {@code segment}: bytes read, 0 at end of file. */
    long read(ByteBuf segment, int index, int length, long position) throws IOException;

    /** Positional write of {@code [index, index+length)} of {@code segment}: bytes written, maybe fewer. */
    long write(ByteBuf segment, int index, int length, long position) throws IOException;

    /** fsync ({@code metadata}) or fdatasync. */
    void sync(boolean metadata) throws IOException;

    void truncate(long size) throws IOException;

    /** Reserves blocks for the range, extending the file when it ends past it. */
    void allocate(long position, long length) throws IOException;

    void close() throws IOException;
}
