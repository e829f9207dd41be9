package io.nettyaio.channel;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.internal.ObjectUtil;
import io.nettyaio.linux.NativeIoException;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A file open for asynchronous positional reads and writes on Linux AIO or io_uring ({@link #engine()}), taking
 * Netty {@link ByteBuf}s and completing Netty {@link Future}s.
 *
 * <h2>Threading</h2>
 * Every method may be called from any thread. Each file is bound to one completion loop ({@link #completionLoop()});
 * a request made on another thread hops to that loop. Listeners run on the promise's executor: the one passed in,
 * or {@link #executor()} for the overloads without a promise (at once on the completing thread if that executor has
 * terminated, so that every listener runs exactly once). The overloads taking an {@link AioCompletionHandler} report
 * to it on the completion loop instead, and allocate nothing per request.
 *
 * <h2>Buffers</h2>
 * Ownership stays with the caller: the channel retains each buffer while the kernel may touch its memory, so a
 * caller may release its own reference right after the call. Indices move only on success (a read advances
 * {@code writerIndex}, a write {@code readerIndex}); a failed request leaves them as they were (memory beyond the
 * writer index may have been written). Do not modify a buffer, or its indices, while a request on it is in flight.
 * <ul>
 * <li>A direct buffer with a memory address goes to the kernel as is (zero copy).</li>
 * <li>Any other buffer is bounced through a pooled, aligned direct buffer (one copy).</li>
 * <li>A {@link io.netty.buffer.CompositeByteBuf}, and the {@code ByteBuf[]} overloads, become one vectored request
 *     (preadv/pwritev) of at most {@value io.nettyaio.linux.AioAbi#MAX_IOV} segments.</li>
 * </ul>
 *
 * <h2>{@link AioOpenOption#DIRECT}</h2>
 * Addresses, positions and lengths (of every segment) must be multiples of {@link #alignment()}, discovered per file
 * ({@code statx STATX_DIOALIGN}; else {@value #DIRECT_ALIGNMENT_PROP_NAME}, 4096). Misaligned requests fail before
 * submission, naming value and requirement. {@link AioBuffers} allocates aligned buffers; bounced heap buffers need
 * no aligned address.
 *
 * <h2>Errors</h2>
 * Future-returning methods never throw: bad input fails the future with {@link IllegalArgumentException} or
 * {@link NullPointerException} whose message names the argument, its value and the requirement; a closed channel
 * fails it with {@link ClosedChannelException}; a kernel error with {@link NativeIoException} carrying the errno,
 * the call that failed ({@code pread}, {@code pwritev}, {@code fsync}, {@code preadv2} for the page-cache read a
 * buffered read tries first, ...), the file and the position. On the blocking engine I/O errors are
 * {@link IOException}s naming the same, with the JDK's exception as their cause.
 *
 * <h2>Ordering, durability, priority</h2>
 * Requests in flight at the same time are not ordered with respect to each other. {@link #fsync()} and
 * {@link #fdatasync()} cover every write whose future completed before the sync was called. A write made with
 * {@link AioRequestOptions#DSYNC} is durable when it completes, with no separate sync. An {@link AioIoPriority}
 * passed to {@code open} is every request's default; {@link AioRequestOptions} overrides it per request.
 *
 * <h2>Cancellation</h2>
 * {@code future.cancel(..)} succeeds only before the request is submitted (Linux cannot cancel file I/O); then the
 * future is uncancellable, and the buffer stays retained until the kernel is done.
 */
public final class AioFileChannel implements AutoCloseable {
    /** System property: the alignment assumed for DIRECT files whose filesystem reports none (default 4096). */
    public static final String DIRECT_ALIGNMENT_PROP_NAME = FileState.DIRECT_ALIGNMENT_PROP_NAME;

    private final FileState file;
    private final EventExecutor executor;

    private AioFileChannel(FileState file, EventExecutor executor) {
        this.file = file;
        this.executor = executor;
    }

    /**
     * Opens a file on the default completion group (daemon threads, created on first use).
     *
     * <p>Regular files and block devices are supported (symbolic links are followed). Anything else is refused
     * at once, without blocking the caller, with a {@link java.nio.file.FileSystemException} naming the path and
     * what it is: a directory, a FIFO (whose open would wait for its other end), a socket, a character device.
     *
     * @param path the file
     * @param options {@link StandardOpenOption} {@code READ, WRITE, CREATE, CREATE_NEW, TRUNCATE_EXISTING, DSYNC,
     *                SYNC}, {@link AioOpenOption} and an {@link AioIoPriority}; neither READ nor WRITE means READ
     * @return the open channel; close it when done
     * @throws IOException when the file cannot be opened ({@link NativeIoException} with the errno and path), or
     *                     is neither a regular file nor a block device
     * @throws IllegalArgumentException for an unsupported or contradictory option, or when the default group, created
     *                                  by the first such call, meets an invalid {@code -Dio.nettyaio.busyPollMicros}
     */
    public static AioFileChannel open(Path path, OpenOption... options) throws IOException {
        return open(path, AioEventLoopGroup.Default.instance().next(), options);
    }

    /**
     * Opens a file with completions driven by {@code executor} ({@link AioEngines} has the whole table): an
     * {@link AioEventLoop} runs its own engine; a Netty 4.2 epoll {@code IoEventLoop} gets Linux AIO on an eventfd
     * registered on it, an io_uring one the io_uring engine on its own ring; in all three, completions and listeners
     * run on that loop's thread. With any other executor (or a Netty loop whose engine is unavailable or not the one
     * forced) a default-group loop submits and reaps, and listeners run on {@code executor}. The channel closes when
     * {@code executor} shuts down: unstarted requests fail with {@link ClosedChannelException}, started ones finish.
     *
     * @param path the file
     * @param executor the loop or executor listeners run on
     * @param options see {@link #open(Path, OpenOption...)}
     * @return the open channel
     * @throws ClosedChannelException when {@code executor} is shutting down or has terminated
     * @throws IOException when the file cannot be opened, or is neither a regular file nor a block device
     * @throws IllegalArgumentException for an unsupported or contradictory option, or as for
     *                                  {@link #open(Path, OpenOption...)} where the default group is needed
     */
    public static AioFileChannel open(Path path, EventExecutor executor, OpenOption... options) throws IOException {
        ObjectUtil.checkNotNull(path, "path");
        ObjectUtil.checkNotNull(executor, "executor");
        ObjectUtil.checkNotNull(options, "options");
        return new AioFileChannel(FileOpener.open(path, executor, OpenOptions.parse(options)), executor);
    }

    /** @return the executor listeners of the promise-less overloads run on */
    public EventExecutor executor() {
        return executor;
    }

    /** @return the loop that submits and reaps this file's requests (an AioEventLoop, or a Netty loop) */
    public EventExecutor completionLoop() {
        return file.driver().loop();
    }

    /** @return the counters of the engine that runs this file's requests (shared by the files of its loop) */
    public AioMetrics metrics() {
        return file.driver().engine().metrics();
    }

    /**
     * @return the engine its loop gives new requests to: {@code "linux-aio"}, {@code "io_uring"} or {@code "blocking"}
     *         (where neither is available, or until a loop that started short of a resource gets it)
     */
    public String engine() {
        return file.driver().engine().name();
    }

    /** @return the path the channel was opened with */
    public Path path() {
        return file.path();
    }

    /** @return whether the channel accepts requests (false once {@link #closeAsync()} was called) */
    public boolean isOpen() {
        return file.isOpen();
    }

    /** @return whether the file was opened with {@link AioOpenOption#DIRECT} */
    public boolean isDirect() {
        return file.isDirect();
    }

    /** @return the larger of {@link #memoryAlignment()} and {@link #offsetAlignment()}; 1 when not DIRECT */
    public int alignment() {
        return Math.max(file.memoryAlignment(), file.offsetAlignment());
    }

    /** @return the alignment required of buffer memory addresses; 1 when not DIRECT */
    public int memoryAlignment() {
        return file.memoryAlignment();
    }

    /** @return the alignment required of file positions and lengths; 1 when not DIRECT */
    public int offsetAlignment() {
        return file.offsetAlignment();
    }

    /**
     * @return the current size of the file, read synchronously on the calling thread ({@code statx})
     * @throws IOException {@link ClosedChannelException} when the channel is closed, {@link NativeIoException} when
     *                     statx fails
     */
    public long size() throws IOException {
        if (!file.isOpen()) {
            throw new ClosedChannelException();
        }
        return file.io().size();
    }

    /**
     * Reads up to {@code dst.writableBytes()} bytes at {@code position}; on success {@code writerIndex += n}.
     * Completes with n &gt;= 0 (possibly fewer than asked), or -1 when {@code position} is at or past end of file.
     * A buffer with no writable bytes completes with 0 at once.
     *
     * @param dst the buffer to fill (retained by the channel until the read finishes)
     * @param position the file position, &gt;= 0
     * @return the future, whose listeners run on {@link #executor()}
     */
    public Future<Integer> read(ByteBuf dst, long position) {
        return read(dst, position, file.newPromise());
    }

    /**
     * As {@link #read(ByteBuf, long)}, completing {@code promise}.
     *
     * @param dst the buffer to fill
     * @param position the file position, &gt;= 0
     * @param promise the promise to complete; its executor runs the listeners
     * @return {@code promise}
     */
    public Future<Integer> read(ByteBuf dst, long position, Promise<Integer> promise) {
        return RequestIntake.submit(file, IoRequest.READ, dst, null, position, promise);
    }

    /**
     * Reads until {@code dst} is full or at end of file, continuing short reads: the total, or -1 at end of file.
     *
     * @param dst the buffer to fill
     * @param position the file position, &gt;= 0
     * @return the future, whose listeners run on {@link #executor()}
     */
    public Future<Integer> readFully(ByteBuf dst, long position) {
        return readFully(dst, position, file.newPromise());
    }

    /**
     * As {@link #readFully(ByteBuf, long)}, completing {@code promise}.
     *
     * @param dst the buffer to fill
     * @param position the file position
     * @param promise the promise to complete
     * @return {@code promise}
     */
    public Future<Integer> readFully(ByteBuf dst, long position, Promise<Integer> promise) {
        return RequestIntake.submit(file, IoRequest.READ_FULLY, dst, null, position, promise);
    }

    /**
     * Writes all of {@code src}'s readable bytes at {@code position}, continuing short writes; on success
     * {@code readerIndex += n}, and the future completes with n (0 at once for an empty buffer).
     *
     * @param src the bytes to write (retained by the channel until the write finishes)
     * @param position the file position, &gt;= 0
     * @return the future, whose listeners run on {@link #executor()}
     */
    public Future<Integer> write(ByteBuf src, long position) {
        return write(src, position, file.newPromise());
    }

    /**
     * As {@link #write(ByteBuf, long)}, completing {@code promise}.
     *
     * @param src the bytes to write
     * @param position the file position
     * @param promise the promise to complete
     * @return {@code promise}
     */
    public Future<Integer> write(ByteBuf src, long position, Promise<Integer> promise) {
        return RequestIntake.submit(file, IoRequest.WRITE, src, null, position, promise);
    }

    /**
     * Allocation-free form of {@link #read(ByteBuf, long)}: {@code handler} is called once on the completion loop
     * with the bytes read (-1 at end of file) or the failure, and {@code attachment}; for bad input or a closed
     * channel at once, on the calling thread. It cannot be cancelled; all else is as for the future form.
     *
     * @param dst the buffer to fill (retained by the channel until the read finishes)
     * @param position the file position, &gt;= 0
     * @param attachment passed back to the handler, may be {@code null}
     * @param handler receives the outcome; must not be {@code null}
     * @param <A> the attachment's type
     * @throws NullPointerException when {@code handler} is {@code null} (there is nothing else to tell)
     */
    public <A> void read(ByteBuf dst, long position, A attachment, AioCompletionHandler<? super A> handler) {
        read(dst, position, AioRequestOptions.DEFAULT, attachment, handler);
    }

    /**
     * Allocation-free form of {@link #write(ByteBuf, long)}: {@code handler} is called once with the bytes written
     * (all of {@code src}'s readable bytes, short writes continued) or the failure. See
     * {@link #read(ByteBuf, long, Object, AioCompletionHandler)}.
     *
     * @param src the bytes to write (retained by the channel until the write finishes)
     * @param position the file position, &gt;= 0
     * @param attachment passed back to the handler, may be {@code null}
     * @param handler receives the outcome; must not be {@code null}
     * @param <A> the attachment's type
     * @throws NullPointerException when {@code handler} is {@code null}
     */
    public <A> void write(ByteBuf src, long position, A attachment, AioCompletionHandler<? super A> handler) {
        write(src, position, AioRequestOptions.DEFAULT, attachment, handler);
    }

    /**
     * As {@link #read(ByteBuf, long)}, with a priority of its own ({@link AioRequestOptions#withPriority}).
     *
     * @param dst the buffer to fill
     * @param position the file position, &gt;= 0
     * @param options what the read asks for beyond its data; make it once and reuse it
     * @return the future, whose listeners run on {@link #executor()}
     */
    public Future<Integer> read(ByteBuf dst, long position, AioRequestOptions options) {
        Promise<Integer> promise = file.newPromise();
        RequestIntake.submit(file, IoRequest.READ, dst, null, position, options, promise, null, null);
        return promise;
    }

    /**
     * As {@link #write(ByteBuf, long)}, durable when it completes ({@link AioRequestOptions#DSYNC}) and/or with a
     * priority of its own.
     *
     * @param src the bytes to write
     * @param position the file position, &gt;= 0
     * @param options what the write asks for beyond its data; make it once and reuse it
     * @return the future, whose listeners run on {@link #executor()}
     */
    public Future<Integer> write(ByteBuf src, long position, AioRequestOptions options) {
        Promise<Integer> promise = file.newPromise();
        RequestIntake.submit(file, IoRequest.WRITE, src, null, position, options, promise, null, null);
        return promise;
    }

    /**
     * The allocation-free {@link #read(ByteBuf, long, Object, AioCompletionHandler)} with {@code options}.
     *
     * @param dst the buffer to fill
     * @param position the file position, &gt;= 0
     * @param options what the read asks for beyond its data
     * @param attachment passed back to the handler, may be {@code null}
     * @param handler receives the outcome; must not be {@code null}
     * @param <A> the attachment's type
     */
    public <A> void read(ByteBuf dst, long position, AioRequestOptions options, A attachment,
                         AioCompletionHandler<? super A> handler) {
        submit(IoRequest.READ, dst, position, options, attachment, handler);
    }

    /**
     * The allocation-free {@link #write(ByteBuf, long, Object, AioCompletionHandler)} with {@code options}: a
     * journal's durable append in one request.
     *
     * @param src the bytes to write
     * @param position the file position, &gt;= 0
     * @param options what the write asks for beyond its data
     * @param attachment passed back to the handler, may be {@code null}
     * @param handler receives the outcome; must not be {@code null}
     * @param <A> the attachment's type
     */
    public <A> void write(ByteBuf src, long position, AioRequestOptions options, A attachment,
                          AioCompletionHandler<? super A> handler) {
        submit(IoRequest.WRITE, src, position, options, attachment, handler);
    }

    @SuppressWarnings("unchecked")
    private <A> void submit(byte kind, ByteBuf buf, long position, AioRequestOptions options, A attachment,
                            AioCompletionHandler<? super A> handler) {
        ObjectUtil.checkNotNull(handler, "handler");
        RequestIntake.submit(file, kind, buf, null, position, options, null, (AioCompletionHandler<Object>) handler,
                attachment);
    }

    /**
     * Scatter read (preadv): one request filling {@code dsts} in order; the total read, or -1 at end of file.
     *
     * @param dsts the buffers, none null, at most {@value io.nettyaio.linux.AioAbi#MAX_IOV} non-empty
     * @param position the file position, &gt;= 0
     * @return the future, whose listeners run on {@link #executor()}
     */
    public Future<Long> read(ByteBuf[] dsts, long position) {
        return RequestIntake.submit(file, IoRequest.READV, null, dsts, position, file.newPromise());
    }

    /**
     * Gather write (pwritev): one request writing all of {@code srcs} in order, short writes continued; the total.
     *
     * @param srcs the buffers, none null, at most {@value io.nettyaio.linux.AioAbi#MAX_IOV} non-empty
     * @param position the file position, &gt;= 0
     * @return the future, whose listeners run on {@link #executor()}
     */
    public Future<Long> write(ByteBuf[] srcs, long position) {
        return RequestIntake.submit(file, IoRequest.WRITEV, null, srcs, position, file.newPromise());
    }

    /**
     * Makes data and metadata durable, asynchronously. Covers every write whose future completed before this call,
     * not writes still in flight.
     *
     * @return the future; it fails with {@link NativeIoException} (e.g. EIO) when the data may be lost
     */
    public Future<Void> fsync() {
        return RequestIntake.submitDataless(file, IoRequest.FSYNC, 0, 0);
    }

    /**
     * Makes data durable, and only the metadata needed to read it back. Same coverage rule as {@link #fsync()}.
     *
     * @return the future
     */
    public Future<Void> fdatasync() {
        return RequestIntake.submitDataless(file, IoRequest.FDATASYNC, 0, 0);
    }

    /**
     * Sets the file size ({@code ftruncate}), cutting or extending with a hole; not ordered with writes in flight.
     *
     * @param size the new size, &gt;= 0
     * @return the future
     */
    public Future<Void> truncate(long size) {
        return RequestIntake.submitDataless(file, IoRequest.TRUNCATE, size, 0);
    }

    /**
     * Reserves blocks for {@code [position, position + length)} ({@code fallocate}), extending the file if the
     * range ends past it, so that later O_DIRECT writes into it need not block. The blocking engine can only extend
     * the size. A failure (ENOSPC) leaves the size as it was (blocks are reserved with {@code FALLOC_FL_KEEP_SIZE},
     * then the size extended); blocks reserved before the space ran out stay reserved past the end of the file,
     * where {@code truncate(size())} frees them (the channel does not: it would cut concurrent appends).
     *
     * @param position first byte, &gt;= 0
     * @param length bytes, &gt; 0
     * @return the future; EOPNOTSUPP where the filesystem cannot preallocate
     */
    public Future<Void> allocate(long position, long length) {
        return RequestIntake.submitDataless(file, IoRequest.ALLOCATE, position, length);
    }

    /**
     * Stops accepting requests, fails unsubmitted ones ({@link ClosedChannelException}), lets submitted ones finish,
     * then closes the file. Idempotent: every call returns the same future.
     *
     * @return a future completed once the file is closed
     */
    public Future<Void> closeAsync() {
        return file.closeAsync();
    }

    Future<Void> closeFuture() { // tests: completed once closed, by closeAsync or by the loop or executor going away
        return file.closeFuture();
    }

    /**
     * {@link #closeAsync()}, then waits for the file to be closed unless called on the completion loop or on
     * {@link #executor()} (where waiting could deadlock).
     */
    @Override
    public void close() {
        Future<Void> closed = closeAsync();
        if (!file.driver().loop().inEventLoop() && !executor.inEventLoop()) {
            closed.awaitUninterruptibly();
        }
    }

    @Override
    public String toString() {
        return "AioFileChannel(" + file + ")";
    }
}
