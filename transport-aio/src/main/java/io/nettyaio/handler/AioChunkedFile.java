package io.nettyaio.handler;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.handler.stream.ChunkedInput;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.internal.ObjectUtil;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.nettyaio.channel.AioBuffers;
import io.nettyaio.channel.AioFileChannel;

import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.RejectedExecutionException;

/**
 * A {@link ChunkedInput} that streams a range of an {@link AioFileChannel} through Netty's
 * {@link ChunkedWriteHandler}, reading ahead asynchronously so that the event loop never waits for the disk: the
 * drop-in replacement for {@code ChunkedFile} and {@code ChunkedNioFile}, which read on the event loop and stall
 * every connection on it while a cold file comes off the disk. It works wherever those do, including inside
 * {@code HttpChunkedInput}, {@code Http2DataChunkedInput} and under an {@code SslHandler}, where
 * {@code DefaultFileRegion} (sendfile) cannot go.
 * <pre>{@code
 * // pipeline: [SslHandler,] HttpServerCodec, HttpObjectAggregator, ChunkedWriteHandler, your handler
 * AioFileChannel file = AioFileChannel.open(path, ctx.channel().eventLoop());
 * ctx.write(response);                                            // with Content-Length = size
 * ctx.writeAndFlush(new HttpChunkedInput(new AioChunkedFile(ctx.channel(), file, 0, size, 64 * 1024)));
 * }</pre>
 *
 * <h2>How it reads</h2>
 * The range is cut into chunks of {@code chunkSize} bytes (the last one shorter). The first {@link #readChunk}
 * starts reading the first {@link Builder#readahead(int) readahead} chunks; from then on, up to that many chunks are
 * read or being read ahead of the writer. {@code readChunk} never blocks: it hands out the next chunk when its read
 * has completed, and otherwise returns {@code null}, which suspends the {@link ChunkedWriteHandler}; the read's
 * completion then calls {@link ChunkedWriteHandler#resumeTransfer()} on the handler found in the channel's
 * pipeline. Short reads are continued. Chunks are direct buffers from the {@link Builder#allocator(ByteBufAllocator)
 * allocator} (the channel's by default); for a file opened with {@code AioOpenOption.DIRECT} they are aligned
 * {@link AioBuffers} and every read is aligned, the range itself may start and end anywhere.
 *
 * <h2>Threading</h2>
 * Every method but {@link #close()} must be called on the channel's event loop, as {@link ChunkedWriteHandler}
 * does. Open the file on that loop ({@code AioFileChannel.open(path, channel.eventLoop())}): on an epoll loop (or
 * another loop the library drives) the reads then complete on it with no other thread involved. Opened on any
 * other executor, the reads complete on the library's completion loop and are handed to the channel's loop.
 *
 * <h2>Errors and ownership</h2>
 * This input owns the file: {@link #close()}, which {@link ChunkedWriteHandler} calls when the transfer ends for
 * any reason (done, failed, or the channel closed mid-file), closes it with {@link AioFileChannel#closeAsync()},
 * never waiting, and releases every chunk it still holds (those still being read as soon as their read ends). A
 * read that fails, or a file that turns out shorter than the range, fails the transfer: the next
 * {@code readChunk} throws the failure ({@code NativeIoException} from the kernel, or an {@link EOFException}), so
 * the write's promise fails with it; the file is closed and the buffers released at once. A chunk handed out
 * belongs to the caller. {@link #closeFuture()} tells when the file is closed and every buffer is back.
 */
public final class AioChunkedFile implements ChunkedInput<ByteBuf> {
    /** Bytes per chunk when a {@link Builder} is not told otherwise: 64 KiB. */
    public static final int DEFAULT_CHUNK_SIZE = 64 * 1024;
    /** Chunks read or being read ahead of the writer when a {@link Builder} is not told otherwise. */
    public static final int DEFAULT_READAHEAD = 2;

    private static final InternalLogger logger = InternalLoggerFactory.getInstance(AioChunkedFile.class);

    private final Channel channel;
    private final EventLoop loop;
    private final AioFileChannel file;
    private final long offset;
    private final long length;
    private final int chunkSize;
    /** The reads ahead of the writer, and every chunk not handed out yet. */
    private final ChunkReadAhead readAhead;
    private final Promise<Void> closeFuture;

    // Everything below is touched on the channel's event loop only.
    private long progress;
    private Throwable failure;
    private boolean closed;
    private boolean fileClosing;
    private boolean fileClosed;
    /** readChunk returned null: the writer is suspended until a completion resumes it. */
    private boolean writerWaiting;
    /** Inside readChunk: a read that completes synchronously must not resume the writer from within it. */
    private boolean inReadChunk;

    /**
     * Streams the whole file in chunks of {@value #DEFAULT_CHUNK_SIZE} bytes; its size is read now.
     *
     * @param channel the channel the chunks are written to; its event loop runs this input
     * @param file the file, best opened on {@code channel.eventLoop()}; this input owns and closes it
     * @throws IOException when the file's size cannot be read (it is closed, or statx fails)
     */
    public AioChunkedFile(Channel channel, AioFileChannel file) throws IOException {
        this(builder(channel, file));
    }

    /**
     * Streams {@code length} bytes of the file from {@code offset}, {@value #DEFAULT_READAHEAD} chunks ahead.
     *
     * @param channel the channel the chunks are written to; its event loop runs this input
     * @param file the file, best opened on {@code channel.eventLoop()}; this input owns and closes it
     * @param offset the first byte to send, &gt;= 0
     * @param length how many bytes to send, &gt;= 0; a file that ends sooner fails the transfer
     * @param chunkSize bytes per chunk (and per read), &gt; 0
     * @throws NullPointerException when {@code channel} or {@code file} is {@code null}
     * @throws IllegalArgumentException when a number is out of range; the message names it
     */
    public AioChunkedFile(Channel channel, AioFileChannel file, long offset, long length, int chunkSize) {
        this(builder(channel, file).range(offset, length).chunkSize(chunkSize), length);
    }

    private AioChunkedFile(Builder b) throws IOException {
        this(b, b.length < 0 ? b.file.size() : b.length);
    }

    private AioChunkedFile(Builder b, long length) {
        this.channel = b.channel;
        this.loop = b.channel.eventLoop();
        this.file = b.file;
        this.offset = b.offset;
        this.length = length;
        this.chunkSize = b.chunkSize;
        this.readAhead = new ChunkReadAhead(b.channel, b.file, b.offset, length, b.chunkSize, b.readahead,
                b.allocator, new ReadEvents());
        this.closeFuture = loop.newPromise();
    }

    /**
     * @param channel the channel the chunks are written to; its event loop runs the input
     * @param file the file to stream; the input owns and closes it
     * @return a builder for an input over the whole file, {@value #DEFAULT_CHUNK_SIZE}-byte chunks,
     *         {@value #DEFAULT_READAHEAD} ahead, the channel's allocator
     * @throws NullPointerException when {@code channel} or {@code file} is {@code null}
     */
    public static Builder builder(Channel channel, AioFileChannel file) {
        return new Builder(ObjectUtil.checkNotNull(channel, "channel"), ObjectUtil.checkNotNull(file, "file"));
    }

    /** @return the file being streamed */
    public AioFileChannel file() {
        return file;
    }

    /** @return the position of the first byte streamed */
    public long startOffset() {
        return offset;
    }

    /** @return the position one past the last byte streamed */
    public long endOffset() {
        return offset + length;
    }

    /** @return bytes per chunk (the last chunk may be shorter) */
    public int chunkSize() {
        return chunkSize;
    }

    /** @return how many chunks are kept read or being read ahead of the writer */
    public int readahead() {
        return readAhead.readahead();
    }

    /**
     * @return completes once the file is closed and every buffer this input held has been released (chunks handed
     *         out belong to the writer); listeners run on the channel's event loop
     */
    public Future<Void> closeFuture() {
        return closeFuture;
    }

    /**
     * @return whether every byte of the range has been handed out; {@code false} after a failure or an early
     *         {@link #close()}, so that a wrapping {@code HttpChunkedInput} never ends a cut-short body as if whole
     */
    @Override
    public boolean isEndOfInput() {
        return readAhead.allHandedOut();
    }

    /**
     * Closes the file (asynchronously, see {@link #closeFuture()}) and releases the chunks not handed out; chunks
     * still being read are released when their read ends. Idempotent; callable from any thread (it then runs on the
     * channel's event loop).
     */
    @Override
    public void close() {
        if (!loop.inEventLoop()) {
            try {
                loop.execute(this::close);
                return;
            } catch (RejectedExecutionException e) {
                // The loop has terminated: nothing runs on it any more, so closing here races with nothing.
                logger.debug("{}: event loop gone, closing {} on {}", channel, this, Thread.currentThread(), e);
            }
        }
        if (closed) {
            return;
        }
        closed = true;
        readAhead.stop();
        closeFile();
    }

    /**
     * @param ctx the context whose allocator is ignored (see {@link #readChunk(ByteBufAllocator)})
     * @return as {@link #readChunk(ByteBufAllocator)}
     * @throws Exception as {@link #readChunk(ByteBufAllocator)}
     * @deprecated Use {@link #readChunk(ByteBufAllocator)}.
     */
    @Deprecated
    @Override
    public ByteBuf readChunk(ChannelHandlerContext ctx) throws Exception {
        return readChunk(ctx.alloc());
    }

    /**
     * Hands out the next chunk if its read has completed, starting the reads ahead of it; never blocks. Must be
     * called on the channel's event loop.
     *
     * @param allocator ignored: chunks are allocated when their read starts, from the builder's allocator
     * @return the next chunk, owned by the caller; {@code null} while its read is in flight (the channel's
     *         {@link ChunkedWriteHandler} is resumed when it completes), or after the end of input
     * @throws Exception the read's failure ({@code NativeIoException}, or {@link EOFException} when the file ended
     *                   before the range), or {@link ClosedChannelException} after {@link #close()}
     */
    @Override
    public ByteBuf readChunk(ByteBufAllocator allocator) throws Exception {
        if (!loop.inEventLoop()) {
            throw new IllegalStateException("readChunk called off the channel's event loop (thread "
                    + Thread.currentThread().getName() + ")");
        }
        throwIfFailed();
        if (closed) {
            throw new ClosedChannelException();
        }
        if (readAhead.allHandedOut()) {
            return null;
        }
        inReadChunk = true;
        try {
            readAhead.startReads();
            throwIfFailed();
            ByteBuf chunk = readAhead.take();
            if (chunk == null) {
                writerWaiting = true;
                return null;
            }
            progress += chunk.readableBytes();
            // Refill the slot just freed; a failure of that read is thrown by the next call.
            readAhead.startReads();
            return chunk;
        } finally {
            inReadChunk = false;
        }
    }

    /** @return the number of bytes of the range, the same before and after streaming */
    @Override
    public long length() {
        return length;
    }

    /** @return bytes handed out so far */
    @Override
    public long progress() {
        return progress;
    }

    /** For tests: chunks read or being read and not yet handed out. */
    int chunksAhead() {
        return readAhead.chunksAhead();
    }

    /** For tests: read completions the file's completion loop delivered on a thread other than the channel's loop. */
    int completionsOffLoop() {
        return readAhead.completionsOffLoop();
    }

    @Override
    public String toString() {
        return "AioChunkedFile(" + file.path() + ", " + offset + "+" + length + ", chunk " + chunkSize + ", progress "
                + progress + ")";
    }

    private void throwIfFailed() throws Exception {
        Throwable cause = failure;
        if (cause instanceof Exception) {
            throw (Exception) cause;
        }
        if (cause instanceof Error) {
            throw (Error) cause;
        }
        if (cause != null) {
            throw new IOException(cause);
        }
    }

    /**
     * Resumes the channel's {@link ChunkedWriteHandler} if readChunk suspended it, unless this runs inside
     * readChunk, which a read completing synchronously must not re-enter.
     */
    private void resumeWriterIfWaiting() {
        if (!writerWaiting || inReadChunk) {
            return;
        }
        writerWaiting = false;
        ChunkedWriteHandler writer = channel.pipeline().get(ChunkedWriteHandler.class);
        if (writer != null) {
            writer.resumeTransfer();
        }
    }

    private void closeFile() {
        if (fileClosing) {
            return;
        }
        fileClosing = true;
        file.closeAsync().addListener(closedFile -> {
            if (file.executor() != loop) {
                try {
                    loop.execute(this::onFileClosed);
                    return;
                } catch (RejectedExecutionException e) {
                    logger.debug("{}: event loop gone, completing the close of {} here", channel, this, e);
                }
            }
            onFileClosed();
        });
    }

    private void onFileClosed() {
        fileClosed = true;
        closeFutureIfDone();
    }

    private void closeFutureIfDone() {
        if (fileClosed && readAhead.inFlight() == 0) {
            closeFuture.trySuccess(null);
        }
    }

    /** Acts on what the read-ahead reports: resumes the writer, fails the transfer, completes the close. Loop only. */
    private final class ReadEvents implements ChunkReadAhead.Listener {
        @Override
        public void nextChunkReady() {
            resumeWriterIfWaiting();
        }

        /** The next readChunk throws {@code cause}; the read-ahead has stopped and released its chunks already. */
        @Override
        public void readFailed(Throwable cause) {
            failure = cause;
            closeFile();
            resumeWriterIfWaiting(); // so that readChunk throws and the write fails now
        }

        @Override
        public void readEndedAfterStop() {
            closeFutureIfDone();
        }
    }

    /**
     * Configures an {@link AioChunkedFile}: the range, chunk size, read-ahead depth and allocator. Not thread-safe;
     * build on any thread.
     */
    public static final class Builder {
        private final Channel channel;
        private final AioFileChannel file;
        private long offset;
        private long length = -1;
        private int chunkSize = DEFAULT_CHUNK_SIZE;
        private int readahead = DEFAULT_READAHEAD;
        private ByteBufAllocator allocator;

        private Builder(Channel channel, AioFileChannel file) {
            this.channel = channel;
            this.file = file;
        }

        /**
         * @param offset the first byte to send, &gt;= 0
         * @param length how many bytes to send, &gt;= 0
         * @return this builder
         * @throws IllegalArgumentException when either is negative or their sum overflows
         */
        public Builder range(long offset, long length) {
            ObjectUtil.checkPositiveOrZero(offset, "offset");
            ObjectUtil.checkPositiveOrZero(length, "length");
            if (offset + length < 0) {
                throw new IllegalArgumentException("length: " + length + " (expected: offset + length <= "
                        + Long.MAX_VALUE + ", offset " + offset + ")");
            }
            this.offset = offset;
            this.length = length;
            return this;
        }

        /**
         * @param chunkSize bytes per chunk and per read, &gt; 0 (default {@value #DEFAULT_CHUNK_SIZE})
         * @return this builder
         * @throws IllegalArgumentException when not positive
         */
        public Builder chunkSize(int chunkSize) {
            this.chunkSize = ObjectUtil.checkPositive(chunkSize, "chunkSize");
            return this;
        }

        /**
         * @param chunks how many chunks to keep read or being read ahead of the writer, 1 to 1024 (default
         *               {@value #DEFAULT_READAHEAD}); memory held per transfer is up to {@code chunks * chunkSize}
         * @return this builder
         * @throws IllegalArgumentException when out of range
         */
        public Builder readahead(int chunks) {
            this.readahead = ObjectUtil.checkInRange(chunks, 1, 1024, "readahead");
            return this;
        }

        /**
         * @param allocator where chunks of a buffered file come from (direct buffers); {@code null} for the
         *                  channel's allocator. DIRECT files always use aligned {@link AioBuffers}.
         * @return this builder
         */
        public Builder allocator(ByteBufAllocator allocator) {
            this.allocator = allocator;
            return this;
        }

        /**
         * @return the input; without {@link #range(long, long)} it covers the file from 0 to its current size
         * @throws IOException when the file's size is needed and cannot be read
         */
        public AioChunkedFile build() throws IOException {
            return new AioChunkedFile(this);
        }
    }
}
