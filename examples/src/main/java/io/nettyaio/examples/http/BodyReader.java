package io.nettyaio.examples.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelProgressiveFuture;
import io.netty.channel.ChannelProgressiveFutureListener;
import io.netty.channel.ChannelProgressivePromise;
import io.netty.channel.DefaultFileRegion;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.stream.ChunkedInput;
import io.netty.handler.stream.ChunkedNioFile;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.nettyaio.channel.AioFileChannel;
import io.nettyaio.handler.AioChunkedFile;

import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * How a {@link FileServer} sends the bytes of a file: the three ways a Netty server can, behind the same pipeline,
 * so that they compare fairly. The first two stream through the pipeline's {@link ChunkedWriteHandler} inside an
 * {@link HttpChunkedInput}, so they work over TLS and HTTP/2 alike, with back-pressure: the next chunk is taken only
 * while the channel is writable.
 */
public enum BodyReader {
    /**
     * {@link AioChunkedFile}: chunks are read ahead by kernel AIO on the connection's own loop, which goes on serving
     * other connections while the disk works. The default.
     */
    AIO {
        @Override
        ChannelFuture send(ChannelHandlerContext ctx, HttpResponse head, Path path, long first, long length,
                           Settings settings, ServerActivity activity) throws IOException {
            AioFileChannel file = AioFileChannel.open(path, ctx.channel().eventLoop(), StandardOpenOption.READ);
            activity.fileOpened();
            AioChunkedFile input = AioChunkedFile.builder(ctx.channel(), file).range(first, length)
                    .chunkSize(settings.chunkSize).readahead(settings.readahead).build();
            input.closeFuture().addListener(closed -> activity.fileClosed());
            return stream(ctx, head, input, activity);
        }
    },
    /**
     * Netty's {@link ChunkedNioFile}, as Netty's {@code HttpStaticFileServer} example streams (it uses
     * {@code ChunkedFile}, the same blocking reads over a {@code RandomAccessFile}): each chunk is read with a
     * blocking {@code pread} on the event loop. Cheap from the page cache; on a miss, the loop and every connection
     * on it wait for the disk.
     */
    CHUNKED_NIO {
        @Override
        ChannelFuture send(ChannelHandlerContext ctx, HttpResponse head, Path path, long first, long length,
                           Settings settings, ServerActivity activity) throws IOException {
            FileChannel file = FileChannel.open(path, StandardOpenOption.READ);
            activity.fileOpened();
            ChannelFuture body = stream(ctx, head, new EndAwareChunkedNioFile(file, first, length,
                    settings.chunkSize), activity);
            // ChunkedWriteHandler closes the input before it completes the write, whatever the outcome.
            body.addListener(done -> activity.fileClosed());
            return body;
        }
    },
    /**
     * {@link DefaultFileRegion}: the kernel copies the file to the socket ({@code sendfile(2)} on epoll and
     * io_uring, {@code transferTo} on NIO). No copy through user space, but plain HTTP/1.1 only (no TLS, no
     * HTTP/2), and a cold file still blocks the loop inside {@code sendfile}.
     */
    SENDFILE {
        @Override
        ChannelFuture send(ChannelHandlerContext ctx, HttpResponse head, Path path, long first, long length,
                           Settings settings, ServerActivity activity) throws IOException {
            FileChannel file = FileChannel.open(path, StandardOpenOption.READ);
            activity.fileOpened();
            ctx.write(head);
            ctx.write(new DefaultFileRegion(file, first, length), counted(ctx, activity));
            ChannelFuture body = abortsCounted(ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT), activity);
            // The region closes the file when it is released, before the write after it completes.
            body.addListener(done -> activity.fileClosed());
            return body;
        }

        @Override
        public boolean supports(boolean tls, boolean http2) {
            return !tls && !http2;
        }
    };

    /**
     * @param name {@code aio}, {@code chunked-nio} (or {@code blocking}) or {@code sendfile}, in any case
     * @return the reader of that name
     * @throws IllegalArgumentException for any other name
     */
    public static BodyReader of(String name) {
        String upper = name.toUpperCase(Locale.ROOT).replace('-', '_');
        return upper.equals("BLOCKING") ? CHUNKED_NIO : valueOf(upper);
    }

    /** @return the reader's name as the command line spells it, e.g. {@code chunked-nio} */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * @param tls whether connections are TLS
     * @param http2 whether HTTP/2 is served
     * @return whether this reader can send bodies there ({@link #SENDFILE} needs plain HTTP/1.1)
     */
    public boolean supports(boolean tls, boolean http2) {
        return true;
    }

    /**
     * Writes the response head, then the body: {@code length} bytes of the file from {@code first}. Called on the
     * connection's (or HTTP/2 stream's) event loop; the pipeline has a {@link ChunkedWriteHandler}.
     *
     * @param ctx where to write
     * @param head the response head, with its {@code Content-Length}
     * @param path the file
     * @param first the first byte to send
     * @param length how many bytes, &gt; 0
     * @param settings chunk size and read-ahead
     * @param activity counts the file open until it is closed, the bytes read, and a body cut short
     * @return completes when the body is written (the file is then closed or closing), or failed when it was cut
     *         short
     * @throws IOException when the file cannot be opened; nothing has been written then
     */
    abstract ChannelFuture send(ChannelHandlerContext ctx, HttpResponse head, Path path, long first, long length,
                                Settings settings, ServerActivity activity) throws IOException;

    /** Chunk size and read-ahead depth of the streaming readers. */
    static final class Settings {
        final int chunkSize;
        final int readahead;

        Settings(int chunkSize, int readahead) {
            this.chunkSize = chunkSize;
            this.readahead = readahead;
        }
    }

    private static ChannelFuture stream(ChannelHandlerContext ctx, HttpResponse head, ChunkedInput<ByteBuf> input,
                                        ServerActivity activity) {
        ctx.write(head);
        return abortsCounted(ctx.writeAndFlush(new HttpChunkedInput(input), counted(ctx, activity)), activity);
    }

    /** Counts a body cut short before any other listener learns of it (so before its file counts as closed). */
    private static ChannelFuture abortsCounted(ChannelFuture body, ServerActivity activity) {
        return body.addListener(done -> {
            if (!done.isSuccess()) {
                activity.responseAborted();
            }
        });
    }

    /** A promise whose progress (bytes of the body written so far) is added to {@code activity}. */
    private static ChannelProgressivePromise counted(ChannelHandlerContext ctx, ServerActivity activity) {
        ChannelProgressivePromise promise = ctx.newProgressivePromise();
        promise.addListener(new ChannelProgressiveFutureListener() {
            private long counted;

            @Override
            public void operationProgressed(ChannelProgressiveFuture future, long progress, long total) {
                activity.fileRead(progress - counted);
                counted = progress;
            }

            @Override
            public void operationComplete(ChannelProgressiveFuture future) {
                // The end is reported by the caller's own listener.
            }
        });
        return promise;
    }

    /**
     * {@link ChunkedNioFile} that fails when the file ends before the range: Netty's own would hand out empty chunks
     * forever, spinning the loop, because it stops reading at end of file but not asking for more.
     */
    private static final class EndAwareChunkedNioFile extends ChunkedNioFile {
        EndAwareChunkedNioFile(FileChannel file, long offset, long length, int chunkSize) throws IOException {
            super(file, offset, length, chunkSize);
        }

        @Override
        public ByteBuf readChunk(io.netty.buffer.ByteBufAllocator allocator) throws Exception {
            ByteBuf chunk = super.readChunk(allocator);
            if (chunk != null && !chunk.isReadable() && !isEndOfInput()) {
                chunk.release();
                throw new EOFException("end of file at byte " + currentOffset() + ", before " + endOffset());
            }
            return chunk;
        }
    }
}
