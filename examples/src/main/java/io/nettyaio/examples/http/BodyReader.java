package io.nettyaio.examples.http;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.nettyaio.channel.AioFileChannel;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * How a {@link FileServer} reads the bytes of the files it sends. Either way the body is streamed chunk by chunk on
 * the connection's event loop, the next chunk read only once the previous one is written, so the two differ in
 * nothing but the read itself: that makes them a fair comparison.
 */
public enum BodyReader {
    /**
     * {@link AioFileChannel}: each chunk is read by kernel AIO and the event loop goes on serving other connections
     * until the read completes. The default.
     */
    AIO {
        @Override
        Source open(Path path, EventExecutor loop) throws IOException {
            AioFileChannel file = AioFileChannel.open(path, loop, StandardOpenOption.READ);
            return new Source() {
                @Override
                public Path path() {
                    return file.path();
                }

                @Override
                public Future<Integer> read(ByteBuf dst, long position) {
                    return file.read(dst, position);
                }

                @Override
                public Future<?> closeAsync() {
                    return file.closeAsync();
                }
            };
        }
    },
    /**
     * A blocking {@link FileChannel#read(java.nio.ByteBuffer, long) FileChannel.read(ByteBuffer, position)} on the
     * event loop, as Netty's {@code ChunkedNioFile} does: what a Netty server does without this library. Cheap when
     * the file is in the page cache; when it is not, the loop and every connection on it wait for the disk.
     */
    BLOCKING {
        @Override
        Source open(Path path, EventExecutor loop) throws IOException {
            FileChannel file = FileChannel.open(path, StandardOpenOption.READ);
            return new Source() {
                @Override
                public Path path() {
                    return path;
                }

                @Override
                public Future<Integer> read(ByteBuf dst, long position) {
                    try {
                        // One pread(2) into the direct buffer: n bytes, or -1 at end of file.
                        return loop.newSucceededFuture(dst.writeBytes(file, position, dst.writableBytes()));
                    } catch (IOException e) {
                        return loop.newFailedFuture(e);
                    }
                }

                @Override
                public Future<?> closeAsync() {
                    try {
                        file.close();
                        return loop.newSucceededFuture(null);
                    } catch (IOException e) {
                        return loop.newFailedFuture(e);
                    }
                }
            };
        }
    };

    /**
     * @param name {@code aio} or {@code blocking}, in any case
     * @return the reader of that name
     * @throws IllegalArgumentException for any other name
     */
    public static BodyReader of(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }

    /** @return the reader's name in lower case, e.g. {@code aio} */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Opens a file to send one response body.
     *
     * @param path the file
     * @param loop the connection's event loop, which makes every call on the source and runs its listeners
     * @return the open source; the caller closes it
     * @throws IOException when the file cannot be opened
     */
    abstract Source open(Path path, EventExecutor loop) throws IOException;

    /** A file opened to send one response body, read on the connection's event loop. */
    interface Source {
        /** @return the file, for messages */
        Path path();

        /**
         * Reads up to {@code dst.writableBytes()} bytes at {@code position}, advancing {@code dst}'s writer index.
         *
         * @param dst the buffer to fill
         * @param position the file position
         * @return completes with the bytes read, or -1 at end of file
         */
        Future<Integer> read(ByteBuf dst, long position);

        /** @return completes once the file is closed */
        Future<?> closeAsync();
    }
}
