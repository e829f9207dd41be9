package io.nettyaio.examples.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.Future;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.EOFException;
import java.util.function.Consumer;

/**
 * Streams a byte range of a file into an HTTP response body, one chunk at a time, with back-pressure: the next
 * chunk is read only once the previous one has been written to the socket and the channel is writable. A slow
 * client therefore holds at most one chunk of server memory, however large the file.
 * <p>
 * The file must be read on the connection's event loop, which runs every method and callback here. The file is
 * closed when the body ends, on error, and on {@link #abort()}; the chunk buffers are released on every path.
 */
final class FileBodyWriter {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(FileBodyWriter.class);

    private final ChannelHandlerContext ctx;
    private final BodyReader.Source file;
    private final int chunkSize;
    private final ServerActivity activity;
    private final Consumer<Boolean> onEnd;

    private long position;
    private long remaining;
    private boolean reading;
    private boolean writing;
    private boolean ended;

    /**
     * @param ctx the connection
     * @param file the open file, read on {@code ctx}'s event loop; this writer closes it
     * @param position the first byte to send
     * @param length how many bytes to send
     * @param chunkSize bytes per read and per socket write
     * @param activity counts the open file until it is closed
     * @param onEnd called once on the event loop with {@code true} when the whole body was written, or
     *              {@code false} when it was cut short (the connection is then being closed)
     */
    FileBodyWriter(ChannelHandlerContext ctx, BodyReader.Source file, long position, long length, int chunkSize,
                   ServerActivity activity, Consumer<Boolean> onEnd) {
        this.ctx = ctx;
        this.file = file;
        this.position = position;
        this.remaining = length;
        this.chunkSize = chunkSize;
        this.activity = activity;
        this.onEnd = onEnd;
    }

    /** Sends the next chunk unless one is already on its way or the channel is not writable. */
    void resume() {
        if (ended || reading || writing || !ctx.channel().isWritable()) {
            return;
        }
        if (remaining == 0) {
            writing = true;
            ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(this::onLastWritten);
            return;
        }
        int length = (int) Math.min(chunkSize, remaining);
        ByteBuf chunk = ctx.alloc().directBuffer(length, length);
        reading = true;
        file.read(chunk, position).addListener(read -> onRead(chunk, read));
    }

    /** Stops streaming because the connection is gone: closes the file, releases what is held. */
    void abort() {
        end(false);
    }

    private void onRead(ByteBuf chunk, Future<?> read) {
        reading = false;
        if (ended) {
            chunk.release();
            return;
        }
        if (!read.isSuccess()) {
            chunk.release();
            fail(read.cause());
            return;
        }
        int n = (Integer) read.getNow();
        if (n <= 0) {
            chunk.release();
            fail(new EOFException(file.path() + " shrank while being sent: end of file at " + position));
            return;
        }
        activity.fileRead(n);
        position += n;
        remaining -= n;
        writing = true;
        ctx.writeAndFlush(new DefaultHttpContent(chunk)).addListener(this::onChunkWritten);
    }

    private void onChunkWritten(Future<? super Void> write) {
        writing = false;
        if (write.isSuccess()) {
            resume();
        } else {
            fail(write.cause());
        }
    }

    private void onLastWritten(Future<? super Void> write) {
        writing = false;
        if (write.isSuccess()) {
            end(true);
        } else {
            fail(write.cause());
        }
    }

    private void fail(Throwable cause) {
        logger.debug("{} {}: response cut short at byte {}", ctx.channel(), file.path(), position, cause);
        end(false);
        // The status line and Content-Length are gone already: only closing tells the client the body is cut.
        ctx.close();
    }

    private void end(boolean complete) {
        if (ended) {
            return;
        }
        ended = true;
        if (!complete) {
            activity.responseAborted();
        }
        file.closeAsync().addListener(closed -> activity.fileClosed());
        onEnd.accept(complete);
    }
}
