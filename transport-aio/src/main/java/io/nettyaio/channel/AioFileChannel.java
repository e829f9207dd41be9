package io.nettyaio.channel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.util.IllegalReferenceCountException;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.internal.ObjectUtil;
import io.netty.util.internal.SystemPropertyUtil;
import io.nettyaio.linux.AioAbi;
import io.nettyaio.linux.DioAlignment;
import io.nettyaio.linux.NativeFile;
import io.nettyaio.linux.NativeIoException;
import io.nettyaio.linux.OpenFlags;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.FileSystemException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * A file open for asynchronous positional reads and writes on Linux AIO, taking Netty {@link ByteBuf}s and
 * completing Netty {@link Future}s.
 *
 * <h2>Threading</h2>
 * Every method may be called from any thread. Each file is bound to one completion loop (an {@link AioEventLoop});
 * a request made on another thread hops to that loop through its task queue. Listeners run on the promise's
 * executor: the one passed in, or {@link #executor()} for the overloads without a promise.
 *
 * <h2>Buffers</h2>
 * Ownership stays with the caller. The channel retains each buffer while the kernel may touch its memory and
 * releases it when the request is finished, so a caller may release its own reference right after the call. Indices
 * move only on success: a read advances {@code writerIndex} by the bytes read, a write advances {@code readerIndex}
 * by the bytes written. A failed request leaves buffers and indices exactly as they were (memory beyond the
 * writer index may have been written). Do not modify a buffer, or its indices, while a request on it is in flight.
 * <ul>
 * <li>A direct buffer with a memory address goes to the kernel as is (zero copy).</li>
 * <li>Any other buffer is bounced through a pooled, aligned direct buffer (one copy).</li>
 * <li>A {@link CompositeByteBuf}, and the {@code ByteBuf[]} overloads, become one vectored request
 *     (preadv/pwritev) of at most {@value io.nettyaio.linux.AioAbi#MAX_IOV} segments.</li>
 * </ul>
 *
 * <h2>{@link AioOpenOption#DIRECT}</h2>
 * Memory addresses, positions and lengths (of every segment) must be multiples of {@link #alignment()}, which is
 * discovered per file ({@code statx STATX_DIOALIGN}; 4096 where the filesystem reports nothing, or the system
 * property {@value #DIRECT_ALIGNMENT_PROP_NAME}). Misaligned requests fail before submission, naming the value and
 * the requirement. {@link AioBuffers} allocates aligned buffers. Bounced heap buffers need no aligned address.
 *
 * <h2>Errors</h2>
 * Future-returning methods never throw: bad input fails the future with {@link IllegalArgumentException} or
 * {@link NullPointerException} whose message names the argument, its value and the requirement; a closed channel
 * fails it with {@link ClosedChannelException}; a kernel error with {@link NativeIoException} carrying the errno,
 * the operation, the file and the position. On the fallback engine (no Linux AIO, see {@link Aio}) I/O errors are the
 * JDK's {@link IOException}s.
 *
 * <h2>Without a promise</h2>
 * {@link #read(ByteBuf, long, Object, AioCompletionHandler)} and {@link #write(ByteBuf, long, Object,
 * AioCompletionHandler)} report to a handler on the completion loop instead, and allocate nothing per request: for
 * storage engines and journals that issue requests by the million.
 *
 * <h2>Ordering and durability</h2>
 * Requests in flight at the same time are not ordered with respect to each other. {@link #fsync()} and
 * {@link #fdatasync()} cover every write whose future completed before the sync was called; wait for the writes you
 * need durable before calling them.
 *
 * <h2>Cancellation</h2>
 * {@code future.cancel(..)} succeeds only while the request has not been submitted to the kernel (Linux cannot
 * cancel file I/O); afterwards the future is uncancellable and the buffer stays retained until the kernel is done.
 */
public final class AioFileChannel implements AutoCloseable {
    /** System property: the alignment assumed for DIRECT files whose filesystem reports none (default 4096). */
    public static final String DIRECT_ALIGNMENT_PROP_NAME = "io.nettyaio.directAlignment";
    private static final int DEFAULT_DIRECT_ALIGNMENT =
            SystemPropertyUtil.getInt(DIRECT_ALIGNMENT_PROP_NAME, AioBuffers.PAGE_ALIGNMENT);

    private static final int OPEN = 0;
    private static final int CLOSING = 1;
    private static final int CLOSED = 2;
    private static final AtomicIntegerFieldUpdater<AioFileChannel> STATE =
            AtomicIntegerFieldUpdater.newUpdater(AioFileChannel.class, "state");

    private final Path path;
    private final FileIo fileIo;
    private final CompletionDriver driver;
    private final EventExecutor executor;
    private final boolean readable;
    private final boolean writable;
    private final boolean direct;
    private final int memoryAlignment;
    private final int offsetAlignment;
    private final Promise<Void> closePromise;
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile int state;
    /** Requests accepted by the engine and not finished. Loop thread only. */
    private int pending;
    /** closeAsync's task ran on the loop: close the file when {@link #pending} reaches 0. Loop thread only. */
    private boolean closeRequested;
    /** The file refused RWF_NOWAIT for reads / writes: send them straight to a blocking thread. Loop thread only. */
    private boolean nowaitReadsUnsupported;
    private boolean nowaitWritesUnsupported;

    private AioFileChannel(Path path, FileIo fileIo, CompletionDriver driver, EventExecutor executor, boolean readable,
                           boolean writable, boolean direct, int memoryAlignment, int offsetAlignment) {
        this.path = path;
        this.fileIo = fileIo;
        this.driver = driver;
        this.executor = executor;
        this.readable = readable;
        this.writable = writable;
        this.direct = direct;
        this.memoryAlignment = memoryAlignment;
        this.offsetAlignment = offsetAlignment;
        this.closePromise = executor.newPromise();
    }

    /**
     * Opens a file on the default completion group (daemon threads, created on first use).
     *
     * @param path the file
     * @param options {@link StandardOpenOption} {@code READ, WRITE, CREATE, CREATE_NEW, TRUNCATE_EXISTING, DSYNC,
     *                SYNC} and {@link AioOpenOption}; neither READ nor WRITE means READ
     * @return the open channel; close it when done
     * @throws IOException when the file cannot be opened ({@link NativeIoException} with the errno and path), or
     *                     is a directory
     * @throws IllegalArgumentException for an unsupported or contradictory option
     */
    public static AioFileChannel open(Path path, OpenOption... options) throws IOException {
        return open(path, AioEventLoopGroup.Default.INSTANCE.next(), options);
    }

    /**
     * Opens a file with completions driven by {@code executor}. An {@link AioEventLoop} runs the completions and the
     * listeners on its own thread. With any other executor, completions are reaped by the default group and
     * promises are created on (so listeners run on) {@code executor}.
     *
     * @param path the file
     * @param executor the loop or executor listeners run on
     * @param options see {@link #open(Path, OpenOption...)}
     * @return the open channel
     * @throws IOException when the file cannot be opened, or is a directory
     * @throws IllegalArgumentException for an unsupported or contradictory option
     */
    public static AioFileChannel open(Path path, EventExecutor executor, OpenOption... options) throws IOException {
        ObjectUtil.checkNotNull(path, "path");
        ObjectUtil.checkNotNull(executor, "executor");
        ObjectUtil.checkNotNull(options, "options");
        boolean read = false;
        boolean write = false;
        int flags = 0;
        boolean direct = false;
        for (int i = 0; i < options.length; i++) {
            OpenOption o = options[i];
            if (o == null) {
                throw new NullPointerException("options[" + i + "]");
            }
            if (o == StandardOpenOption.READ) {
                read = true;
            } else if (o == StandardOpenOption.WRITE) {
                write = true;
            } else if (o == StandardOpenOption.CREATE) {
                flags |= OpenFlags.CREAT;
            } else if (o == StandardOpenOption.CREATE_NEW) {
                flags |= OpenFlags.CREAT | OpenFlags.EXCL;
            } else if (o == StandardOpenOption.TRUNCATE_EXISTING) {
                flags |= OpenFlags.TRUNC;
            } else if (o == StandardOpenOption.DSYNC || o == AioOpenOption.DSYNC || o == StandardOpenOption.SYNC) {
                flags |= OpenFlags.DSYNC;
            } else if (o == AioOpenOption.DIRECT) {
                flags |= OpenFlags.DIRECT;
                direct = true;
            } else if (o == AioOpenOption.NOATIME) {
                flags |= OpenFlags.NOATIME;
            } else {
                throw new IllegalArgumentException("options[" + i + "]: " + o + " (expected: READ, WRITE, CREATE, "
                        + "CREATE_NEW, TRUNCATE_EXISTING, DSYNC, SYNC, DIRECT or NOATIME)");
            }
        }
        if (!read && !write) {
            read = true;
        }
        if (!write && (flags & (OpenFlags.CREAT | OpenFlags.TRUNC)) != 0) {
            throw new IllegalArgumentException("options: " + Arrays.toString(options)
                    + " (expected: WRITE with CREATE, CREATE_NEW or TRUNCATE_EXISTING)");
        }
        flags |= read && write ? OpenFlags.RDWR : write ? OpenFlags.WRONLY : OpenFlags.RDONLY;

        CompletionDriver driver = CompletionDrivers.forExecutor(executor);
        FileIo io = Aio.isAvailable() ? new NativeFileIo(NativeFile.open(path.toString(), flags, 0644))
                : JdkFiles.open(path, read, write, direct, flags);
        try {
            if (io.isDirectory()) {
                throw new FileSystemException(path.toString(), null, "is a directory (expected: a regular file)");
            }
            int memoryAlignment = 1;
            int offsetAlignment = 1;
            if (direct) {
                int[] alignment = directAlignment(path, io);
                memoryAlignment = alignment[0];
                offsetAlignment = alignment[1];
            }
            AioFileChannel channel = new AioFileChannel(path, io, driver, executor, read, write, direct,
                    memoryAlignment, offsetAlignment);
            driver.channels().add(channel);
            if (driver.isShuttingDown()) {
                driver.channels().remove(channel);
                throw new ClosedChannelException();
            }
            return channel;
        } catch (Throwable t) {
            io.close();
            throw t;
        }
    }

    /** Memory and offset alignment for DIRECT: statx where the kernel reports it, else a safe default. */
    private static int[] directAlignment(Path path, FileIo io) throws IOException {
        if (io instanceof NativeFileIo) {
            DioAlignment alignment = ((NativeFileIo) io).dioAlignment();
            if (alignment.isReported()) {
                return new int[]{alignment.memoryAlignment(), alignment.offsetAlignment()};
            }
            return new int[]{DEFAULT_DIRECT_ALIGNMENT, DEFAULT_DIRECT_ALIGNMENT};
        }
        int block = (int) Math.max(1, java.nio.file.Files.getFileStore(path).getBlockSize());
        return new int[]{Math.max(block, DEFAULT_DIRECT_ALIGNMENT), Math.max(block, DEFAULT_DIRECT_ALIGNMENT)};
    }

    /** @return the executor listeners of the promise-less overloads run on */
    public EventExecutor executor() {
        return executor;
    }

    /**
     * @return the loop that submits and reaps this file's requests: an {@link AioEventLoop}, or the epoll loop the
     *         channel was opened with
     */
    public EventExecutor completionLoop() {
        return driver.executor();
    }

    /** @return the counters of the engine that runs this file's requests (shared by the files of its loop) */
    public AioMetrics metrics() {
        return driver.engine().metrics();
    }

    /** @return the path the channel was opened with */
    public Path path() {
        return path;
    }

    /** @return whether the channel accepts requests (false once {@link #closeAsync()} was called) */
    public boolean isOpen() {
        return state == OPEN;
    }

    /** @return whether the file was opened with {@link AioOpenOption#DIRECT} */
    public boolean isDirect() {
        return direct;
    }

    /**
     * @return the alignment required of memory addresses, file positions and lengths: the larger of
     *         {@link #memoryAlignment()} and {@link #offsetAlignment()}; 1 when not DIRECT
     */
    public int alignment() {
        return Math.max(memoryAlignment, offsetAlignment);
    }

    /** @return the alignment required of buffer memory addresses; 1 when not DIRECT */
    public int memoryAlignment() {
        return memoryAlignment;
    }

    /** @return the alignment required of file positions and lengths; 1 when not DIRECT */
    public int offsetAlignment() {
        return offsetAlignment;
    }

    /**
     * The current size of the file, read synchronously on the calling thread ({@code statx}).
     *
     * @return the size in bytes
     * @throws ClosedChannelException when the channel is closed
     * @throws NativeIoException when statx fails
     */
    public long size() throws IOException {
        if (state != OPEN) {
            throw new ClosedChannelException();
        }
        return fileIo.size();
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
        return read(dst, position, executor.newPromise());
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
        return single(AioRequest.READ, dst, position, promise);
    }

    /**
     * Reads until {@code dst} has no writable bytes or end of file is reached, continuing short reads. Completes
     * with the total read, or -1 when {@code position} is at or past end of file.
     *
     * @param dst the buffer to fill
     * @param position the file position, &gt;= 0
     * @return the future, whose listeners run on {@link #executor()}
     */
    public Future<Integer> readFully(ByteBuf dst, long position) {
        return readFully(dst, position, executor.newPromise());
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
        return single(AioRequest.READ_FULLY, dst, position, promise);
    }

    /**
     * Writes all of {@code src}'s readable bytes at {@code position}, continuing short writes; on success
     * {@code readerIndex += n} and the future completes with n. An empty buffer completes with 0 at once.
     *
     * @param src the bytes to write (retained by the channel until the write finishes)
     * @param position the file position, &gt;= 0
     * @return the future, whose listeners run on {@link #executor()}
     */
    public Future<Integer> write(ByteBuf src, long position) {
        return write(src, position, executor.newPromise());
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
        return single(AioRequest.WRITE, src, position, promise);
    }

    /**
     * Allocation-free form of {@link #read(ByteBuf, long)}: instead of a future, {@code handler} is called once on
     * the completion loop with the bytes read (-1 at end of file) or the failure, and {@code attachment}. For bad
     * input or a closed channel it is called at once on the calling thread. Such a request cannot be cancelled.
     * Everything else (buffer ownership, indices, DIRECT alignment, errors) is as for the future form.
     *
     * @param dst the buffer to fill (retained by the channel until the read finishes)
     * @param position the file position, &gt;= 0
     * @param attachment passed back to the handler, may be {@code null}
     * @param handler receives the outcome; must not be {@code null}
     * @param <A> the attachment's type
     * @throws NullPointerException when {@code handler} is {@code null} (there is nothing else to tell)
     */
    @SuppressWarnings("unchecked")
    public <A> void read(ByteBuf dst, long position, A attachment, AioCompletionHandler<? super A> handler) {
        ObjectUtil.checkNotNull(handler, "handler");
        submitSingle(AioRequest.READ, dst, position, null, (AioCompletionHandler<Object>) handler, attachment);
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
    @SuppressWarnings("unchecked")
    public <A> void write(ByteBuf src, long position, A attachment, AioCompletionHandler<? super A> handler) {
        ObjectUtil.checkNotNull(handler, "handler");
        submitSingle(AioRequest.WRITE, src, position, null, (AioCompletionHandler<Object>) handler, attachment);
    }

    /**
     * Scatter read (preadv): one kernel request filling {@code dsts} in order, each up to its writable bytes.
     * Completes with the total read (writer indices advance in order), or -1 at end of file.
     *
     * @param dsts the buffers, none null, at most {@value io.nettyaio.linux.AioAbi#MAX_IOV} non-empty
     * @param position the file position, &gt;= 0
     * @return the future, whose listeners run on {@link #executor()}
     */
    public Future<Long> read(ByteBuf[] dsts, long position) {
        return vectored(AioRequest.READV, dsts, position, executor.newPromise());
    }

    /**
     * Gather write (pwritev): one kernel request writing every readable byte of {@code srcs} in order, continuing
     * short writes. Completes with the total written; all reader indices advance.
     *
     * @param srcs the buffers, none null, at most {@value io.nettyaio.linux.AioAbi#MAX_IOV} non-empty
     * @param position the file position, &gt;= 0
     * @return the future, whose listeners run on {@link #executor()}
     */
    public Future<Long> write(ByteBuf[] srcs, long position) {
        return vectored(AioRequest.WRITEV, srcs, position, executor.newPromise());
    }

    /**
     * Makes data and metadata durable ({@code IOCB_CMD_FSYNC}, run asynchronously by the kernel). Covers every
     * write whose future completed before this call; not writes still in flight.
     *
     * @return the future; it fails with {@link NativeIoException} (e.g. EIO) when the data may be lost
     */
    public Future<Void> fsync() {
        return sync(AioRequest.FSYNC);
    }

    /**
     * Makes data durable, and only the metadata needed to read it ({@code IOCB_CMD_FDSYNC}). Same coverage rule
     * as {@link #fsync()}.
     *
     * @return the future
     */
    public Future<Void> fdatasync() {
        return sync(AioRequest.FDATASYNC);
    }

    /**
     * Sets the file size ({@code ftruncate}), cutting or extending with a hole. Runs on a blocking thread (it may
     * wait for the filesystem); not ordered with writes in flight.
     *
     * @param size the new size, &gt;= 0
     * @return the future
     */
    public Future<Void> truncate(long size) {
        Promise<Void> promise = executor.newPromise();
        if (size < 0) {
            return promise.setFailure(new IllegalArgumentException("size: " + size + " (expected: >= 0)"));
        }
        return metadata(AioRequest.TRUNCATE, size, 0, promise);
    }

    /**
     * Reserves blocks for {@code [position, position + length)} ({@code fallocate} mode 0), extending the file if
     * the range ends past it. Preallocating lets later O_DIRECT writes into the range run asynchronously. Runs on a
     * blocking thread. The fallback engine (no Linux AIO) can only extend the size, not reserve blocks.
     *
     * @param position first byte, &gt;= 0
     * @param length bytes, &gt; 0
     * @return the future; EOPNOTSUPP where the filesystem cannot preallocate
     */
    public Future<Void> allocate(long position, long length) {
        Promise<Void> promise = executor.newPromise();
        if (position < 0) {
            return promise.setFailure(new IllegalArgumentException("position: " + position + " (expected: >= 0)"));
        }
        if (length <= 0) {
            return promise.setFailure(new IllegalArgumentException("length: " + length + " (expected: > 0)"));
        }
        if (position > Long.MAX_VALUE - length) {
            return promise.setFailure(new IllegalArgumentException("position + length: " + position + " + "
                    + length + " (expected: <= " + Long.MAX_VALUE + ")"));
        }
        return metadata(AioRequest.ALLOCATE, position, length, promise);
    }

    private Future<Void> metadata(byte kind, long position, long length, Promise<Void> promise) {
        if (state != OPEN) {
            return promise.setFailure(new ClosedChannelException());
        }
        if (!writable) {
            return promise.setFailure(ChannelModeException.notWritable(path));
        }
        dispatch(AioRequest.newRequest(this, kind, null, null, position, length, promise));
        return promise;
    }

    private Future<Integer> single(byte kind, ByteBuf buf, long position, Promise<Integer> promise) {
        if (promise == null) {
            return executor.newFailedFuture(new NullPointerException("promise"));
        }
        submitSingle(kind, buf, position, promise, null, null);
        return promise;
    }

    /**
     * Validates, retains and dispatches a single-buffer request that completes either {@code promise} or
     * {@code handler} (exactly one is non-null). Never throws: every problem completes the one or the other.
     */
    private void submitSingle(byte kind, ByteBuf buf, long position, Promise<Integer> promise,
                              AioCompletionHandler<Object> handler, Object attachment) {
        boolean read = kind != AioRequest.WRITE;
        String name = read ? "dst" : "src";
        if (buf == null) {
            finishEarly(promise, handler, attachment, new NullPointerException(name), 0);
            return;
        }
        Throwable invalid = checkChannel(read);
        if (invalid == null) {
            invalid = checkPosition(position);
        }
        if (invalid == null && read && buf.isReadOnly()) {
            invalid = new IllegalArgumentException(name + ": read-only buffer " + buf + " (expected: a writable buffer)");
        }
        if (invalid != null) {
            finishEarly(promise, handler, attachment, invalid, 0);
            return;
        }
        try {
            buf.retain();
        } catch (IllegalReferenceCountException e) {
            finishEarly(promise, handler, attachment,
                    new IllegalArgumentException(name + ": released buffer (refCnt 0)", e), 0);
            return;
        }
        try {
            int length = read ? buf.writableBytes() : buf.readableBytes();
            if (length == 0) {
                buf.release();
                finishEarly(promise, handler, attachment, null, 0);
                return;
            }
            invalid = checkRange(position, length);
            boolean composite = buf instanceof CompositeByteBuf;
            if (invalid == null && composite) {
                invalid = checkSegmentCount(name, buf, null, read);
            }
            if (invalid == null && direct) {
                invalid = composite ? checkDirectSegments(name, buf, null, read, position)
                        : checkDirect(name, buf, read, position, length);
            }
            if (invalid != null) {
                buf.release();
                finishEarly(promise, handler, attachment, invalid, 0);
                return;
            }
            dispatch(handler == null ? AioRequest.newRequest(this, kind, buf, null, position, length, promise)
                    : AioRequest.newRequest(this, kind, buf, position, length, attachment, handler));
        } catch (Throwable t) {
            buf.release(); // nothing was dispatched: the reference taken above is ours to give back
            finishEarly(promise, handler, attachment, t, 0);
        }
    }

    /** Completes a request that never reached the engine: a failure when {@code cause} is set, else {@code n}. */
    private static void finishEarly(Promise<Integer> promise, AioCompletionHandler<Object> handler, Object attachment,
                                    Throwable cause, int n) {
        if (handler == null) {
            if (cause != null) {
                promise.tryFailure(cause);
            } else {
                promise.trySuccess(n);
            }
        } else if (cause != null) {
            HandlerErrors.failed(handler, cause, attachment);
        } else {
            try {
                handler.completed(n, attachment);
            } catch (Throwable t) {
                HandlerErrors.log(handler, t);
            }
        }
    }

    private Future<Long> vectored(byte kind, ByteBuf[] array, long position, Promise<Long> promise) {
        boolean read = kind == AioRequest.READV;
        String name = read ? "dsts" : "srcs";
        if (array == null) {
            return promise.setFailure(new NullPointerException(name));
        }
        ByteBuf[] bufs = array.clone();
        for (int i = 0; i < bufs.length; i++) {
            if (bufs[i] == null) {
                return promise.setFailure(new NullPointerException(name + "[" + i + "]"));
            }
            if (read && bufs[i].isReadOnly()) {
                return promise.setFailure(new IllegalArgumentException(name + "[" + i + "]: read-only buffer "
                        + bufs[i] + " (expected: a writable buffer)"));
            }
        }
        Throwable invalid = checkChannel(read);
        if (invalid == null) {
            invalid = checkPosition(position);
        }
        if (invalid != null) {
            return promise.setFailure(invalid);
        }
        int retained = 0;
        try {
            for (; retained < bufs.length; retained++) {
                bufs[retained].retain();
            }
        } catch (IllegalReferenceCountException e) {
            releaseAll(bufs, retained);
            return promise.setFailure(new IllegalArgumentException(name + "[" + retained
                    + "]: released buffer (refCnt 0)", e));
        }
        try {
            long length = 0;
            for (ByteBuf b : bufs) {
                length += read ? b.writableBytes() : b.readableBytes();
            }
            if (length == 0) {
                releaseAll(bufs, bufs.length);
                return promise.setSuccess(0L);
            }
            invalid = checkRange(position, length);
            if (invalid == null) {
                invalid = checkSegmentCount(name, null, bufs, read);
            }
            if (invalid == null && length > Integer.MAX_VALUE && !BufferSegments.allAddressable(bufs)) {
                invalid = new IllegalArgumentException(name + ": " + length + " bytes in buffers without a memory "
                        + "address (expected: at most " + Integer.MAX_VALUE + " when bounced)");
            }
            if (invalid == null && direct) {
                invalid = checkDirectSegments(name, null, bufs, read, position);
            }
            if (invalid != null) {
                releaseAll(bufs, bufs.length);
                return promise.setFailure(invalid);
            }
            dispatch(AioRequest.newRequest(this, kind, null, bufs, position, length, promise));
        } catch (Throwable t) {
            releaseAll(bufs, bufs.length);
            promise.tryFailure(t);
        }
        return promise;
    }

    private Future<Void> sync(byte kind) {
        Promise<Void> promise = executor.newPromise();
        if (state != OPEN) {
            return promise.setFailure(new ClosedChannelException());
        }
        dispatch(AioRequest.newRequest(this, kind, null, null, 0, 0, promise));
        return promise;
    }

    private void dispatch(AioRequest request) {
        EventExecutor loop = driver.executor();
        if (loop.inEventLoop()) {
            driver.enqueue(request);
            return;
        }
        try {
            loop.execute(request);
        } catch (RejectedExecutionException e) {
            request.fail(closedCause(e));
        }
    }

    private static ClosedChannelException closedCause(Throwable cause) {
        ClosedChannelException closed = new ClosedChannelException();
        closed.initCause(cause);
        return closed;
    }

    private static void releaseAll(ByteBuf[] bufs, int count) {
        for (int i = 0; i < count; i++) {
            bufs[i].release();
        }
    }

    private Throwable checkChannel(boolean read) {
        if (state != OPEN) {
            return new ClosedChannelException();
        }
        if (read && !readable) {
            return ChannelModeException.notReadable(path);
        }
        if (!read && !writable) {
            return ChannelModeException.notWritable(path);
        }
        return null;
    }

    private static Throwable checkPosition(long position) {
        return position < 0 ? new IllegalArgumentException("position: " + position + " (expected: >= 0)") : null;
    }

    private static Throwable checkRange(long position, long length) {
        if (position > Long.MAX_VALUE - length) {
            return new IllegalArgumentException("position + length: " + position + " + " + length
                    + " (expected: <= " + Long.MAX_VALUE + ")");
        }
        return null;
    }

    private Throwable checkDirect(String name, ByteBuf buf, boolean read, long position, int length) {
        if ((position & (offsetAlignment - 1)) != 0) {
            return misaligned("position", position, offsetAlignment);
        }
        if ((length & (offsetAlignment - 1)) != 0) {
            return misaligned("length", length, offsetAlignment);
        }
        if (buf.hasMemoryAddress()) {
            long address = buf.memoryAddress() + (read ? buf.writerIndex() : buf.readerIndex());
            if ((address & (memoryAlignment - 1)) != 0) {
                return new IllegalArgumentException(name + " memory address: 0x" + Long.toHexString(address)
                        + " (expected: multiple of " + memoryAlignment + " for DIRECT; allocate with AioBuffers)");
            }
        }
        return null;
    }

    /** Each segment of a DIRECT vectored request must be aligned in address and length (kernel rule). */
    private Throwable checkDirectSegments(String name, ByteBuf composite, ByteBuf[] bufs, boolean read,
                                          long position) {
        if ((position & (offsetAlignment - 1)) != 0) {
            return misaligned("position", position, offsetAlignment);
        }
        boolean bounced = bufs != null ? !BufferSegments.allAddressable(bufs)
                : !BufferSegments.allAddressable((CompositeByteBuf) composite);
        Throwable[] error = {null};
        long[] index = {0};
        BufferSegments.forEach(composite, bufs, read, (address, length) -> {
            if (!bounced && (address & (memoryAlignment - 1)) != 0) {
                error[0] = new IllegalArgumentException(name + " segment " + index[0] + " memory address: 0x"
                        + Long.toHexString(address) + " (expected: multiple of " + memoryAlignment + " for DIRECT)");
                return false;
            }
            if ((length & (offsetAlignment - 1)) != 0) {
                error[0] = new IllegalArgumentException(name + " segment " + index[0] + " length: " + length
                        + " (expected: multiple of " + offsetAlignment + " for DIRECT)");
                return false;
            }
            index[0]++;
            return true;
        });
        return error[0];
    }

    private static Throwable checkSegmentCount(String name, ByteBuf composite, ByteBuf[] bufs, boolean read) {
        int count = BufferSegments.count(composite, bufs, read);
        if (count > AioAbi.MAX_IOV) {
            return new IllegalArgumentException(name + ": " + count + " segments (expected: at most "
                    + AioAbi.MAX_IOV + ")");
        }
        return null;
    }

    private static IllegalArgumentException misaligned(String name, long value, int alignment) {
        return new IllegalArgumentException(name + ": " + value + " (expected: multiple of " + alignment
                + " for DIRECT)");
    }

    /**
     * Stops accepting requests, fails requests not yet submitted with {@link ClosedChannelException}, waits for
     * submitted ones to complete, then closes the file. Idempotent: every call returns the same future.
     *
     * @return a future completed once the file is closed
     */
    public Future<Void> closeAsync() {
        if (STATE.compareAndSet(this, OPEN, CLOSING)) {
            try {
                driver.executor().execute(this::closeOnLoop);
            } catch (RejectedExecutionException e) {
                finishClose(); // the loop is gone, and with it every request of this file
            }
        }
        return closePromise;
    }

    /**
     * {@link #closeAsync()}, then waits for the file to be closed unless called on the completion loop or on
     * {@link #executor()} (where waiting could deadlock).
     */
    @Override
    public void close() {
        closeAsync();
        if (!driver.executor().inEventLoop() && !executor.inEventLoop()) {
            boolean interrupted = false;
            while (true) {
                try {
                    closed.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void closeOnLoop() {
        driver.engine().failWaiting(this);
        closeRequested = true;
        if (pending == 0) {
            finishClose();
        }
    }

    /** The completion driver terminated: everything of this file there is finished. */
    void loopTerminated() {
        state = CLOSING;
        finishClose();
    }

    private void finishClose() {
        if (STATE.getAndSet(this, CLOSED) == CLOSED) {
            return;
        }
        driver.channels().remove(this);
        try {
            fileIo.close();
            closePromise.trySuccess(null);
        } catch (Throwable t) {
            closePromise.tryFailure(t);
        } finally {
            closed.countDown();
        }
    }

    // ---- called by AioEngine and AioRequest on the loop thread ----

    boolean acceptsRequests() {
        return state == OPEN;
    }

    void requestStarted() {
        pending++;
    }

    void requestFinished() {
        if (--pending == 0 && closeRequested) {
            finishClose();
        }
    }

    CompletionDriver driver() {
        return driver;
    }

    FileIo fileIo() {
        return fileIo;
    }

    /** Whether {@code r} must go to a blocking thread because this file refused RWF_NOWAIT for its kind. */
    boolean mustBlock(AioRequest r) {
        if (r.isDataless()) {
            return false;
        }
        return r.isRead() ? nowaitReadsUnsupported : nowaitWritesUnsupported;
    }

    void nowaitUnsupported(boolean read) {
        if (read) {
            nowaitReadsUnsupported = true;
        } else {
            nowaitWritesUnsupported = true;
        }
    }

    @Override
    public String toString() {
        return "AioFileChannel(" + path + (direct ? ", DIRECT" : "") + (isOpen() ? "" : ", closed") + ")";
    }
}
