package io.nettyaio.channel;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

import java.io.IOException;
import java.nio.file.OpenOption;
import java.nio.file.Path;

/** STUB: signatures from API.md; implementation in progress. */
public final class AioFileChannel implements AutoCloseable {
    private AioFileChannel() { }

    public static AioFileChannel open(Path path, OpenOption... options) throws IOException {
        throw new UnsupportedOperationException("stub");
    }

    public static AioFileChannel open(Path path, EventExecutor executor, OpenOption... options) throws IOException {
        throw new UnsupportedOperationException("stub");
    }

    public EventExecutor executor() { throw new UnsupportedOperationException("stub"); }
    public Path path() { throw new UnsupportedOperationException("stub"); }
    public boolean isOpen() { throw new UnsupportedOperationException("stub"); }
    public boolean isDirect() { throw new UnsupportedOperationException("stub"); }
    public int alignment() { throw new UnsupportedOperationException("stub"); }
    public long size() throws IOException { throw new UnsupportedOperationException("stub"); }
    public Future<Integer> read(ByteBuf dst, long position) { throw new UnsupportedOperationException("stub"); }
    public Future<Integer> read(ByteBuf dst, long position, Promise<Integer> promise) { throw new UnsupportedOperationException("stub"); }
    public Future<Integer> readFully(ByteBuf dst, long position) { throw new UnsupportedOperationException("stub"); }
    public Future<Integer> write(ByteBuf src, long position) { throw new UnsupportedOperationException("stub"); }
    public Future<Integer> write(ByteBuf src, long position, Promise<Integer> promise) { throw new UnsupportedOperationException("stub"); }
    public Future<Long> read(ByteBuf[] dsts, long position) { throw new UnsupportedOperationException("stub"); }
    public Future<Long> write(ByteBuf[] srcs, long position) { throw new UnsupportedOperationException("stub"); }
    public Future<Void> fsync() { throw new UnsupportedOperationException("stub"); }
    public Future<Void> fdatasync() { throw new UnsupportedOperationException("stub"); }
    public Future<Void> truncate(long size) { throw new UnsupportedOperationException("stub"); }
    public Future<Void> allocate(long position, long length) { throw new UnsupportedOperationException("stub"); }
    public Future<Void> closeAsync() { throw new UnsupportedOperationException("stub"); }
    @Override public void close() { throw new UnsupportedOperationException("stub"); }
}
