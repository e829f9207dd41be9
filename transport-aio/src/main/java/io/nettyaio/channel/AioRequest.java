package io.nettyaio.channel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.util.Recycler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.FutureListener;
import io.netty.util.concurrent.Promise;
import io.nettyaio.linux.Errno;
import io.nettyaio.linux.IocbArray;
import io.nettyaio.linux.IovecArray;
import io.nettyaio.linux.NativeIoException;

import java.io.IOException;
import java.util.concurrent.RejectedExecutionException;

/**
 * One file operation on its way from the caller to the kernel (or a blocking thread) and back: what to do, on which
 * buffers, and the promise to complete. Pooled (taken on the caller's thread, recycled on the loop), and itself the
 * task of every hop, so a request costs no allocation once the pool is warm.
 *
 * <p>Life: {@link #newRequest} (caller, buffers retained) → {@link #run()} on the loop → {@link AioEngine} gives it
 * an iocb slot and calls {@link #prepare}, or hands it to the blocking executor ({@link #run()} again, there, then
 * back on the loop) → {@link #onEvent} with the result decides: done, continue (short write, readFully), or fail →
 * {@link #succeed}/{@link #fail} move indices, release, recycle, then complete the promise.
 */
final class AioRequest implements Runnable, FutureListener<Object> {
    static final byte READ = 0;
    static final byte READ_FULLY = 1;
    static final byte WRITE = 2;
    static final byte READV = 3;
    static final byte WRITEV = 4;
    static final byte FSYNC = 5;
    static final byte FDATASYNC = 6;
    static final byte TRUNCATE = 7;
    static final byte ALLOCATE = 8;

    private static final String[] OPERATION = {"pread", "pread", "pwrite", "preadv", "pwritev", "fsync", "fdatasync",
        "ftruncate", "fallocate"};

    /** {@link #run()} hands the request to the engine (it came from another thread). */
    private static final byte STAGE_SUBMIT = 0;
    /** {@link #run()} performs the operation synchronously (on a blocking thread). */
    private static final byte STAGE_BLOCKING = 1;

    private static final Recycler<AioRequest> POOL = new Recycler<AioRequest>() {
        @Override
        protected AioRequest newObject(Handle<AioRequest> handle) {
            return new AioRequest(handle);
        }
    };

    /** What {@link #onEvent} wants the engine to do next. */
    static final int FINISHED = 0;
    static final int CONTINUE = 1;

    private final Recycler.Handle<AioRequest> handle;
    AioFileChannel channel;
    byte kind;
    /** The single buffer, or the CompositeByteBuf of a vectored request. */
    ByteBuf buf;
    /** The buffers of a ByteBuf[] vectored request. */
    ByteBuf[] bufs;
    /** File position; the new size for TRUNCATE. */
    long position;
    long length;
    long done;
    Promise<?> promise;
    /** Direct copy of the data for buffers the kernel cannot address. */
    ByteBuf bounce;
    int slot = -1;
    /** The current kernel attempt carries RWF_NOWAIT. */
    boolean nowait;
    private byte stage;
    long blockingResult;
    Throwable blockingError;
    /** Instead of {@link #promise}, for the allocation-free overloads. */
    AioCompletionHandler<Object> handler;
    Object attachment;

    private AioRequest(Recycler.Handle<AioRequest> handle) {
        this.handle = handle;
    }

    /** Takes a request from the pool. The caller has retained the buffers already. */
    static AioRequest newRequest(AioFileChannel channel, byte kind, ByteBuf buf, ByteBuf[] bufs, long position,
                                 long length, Promise<?> promise) {
        AioRequest r = POOL.get();
        r.channel = channel;
        r.kind = kind;
        r.buf = buf;
        r.bufs = bufs;
        r.position = position;
        r.length = length;
        r.done = 0;
        r.promise = promise;
        r.bounce = null;
        r.slot = -1;
        r.nowait = false;
        r.stage = STAGE_SUBMIT;
        r.blockingError = null;
        r.handler = null;
        r.attachment = null;
        return r;
    }

    /** Takes a request from the pool that completes {@code handler} instead of a promise. */
    @SuppressWarnings("unchecked")
    static AioRequest newRequest(AioFileChannel channel, byte kind, ByteBuf buf, long position, long length,
                                 Object attachment, AioCompletionHandler<?> handler) {
        AioRequest r = newRequest(channel, kind, buf, null, position, length, null);
        r.handler = (AioCompletionHandler<Object>) handler;
        r.attachment = attachment;
        return r;
    }

    /**
     * Marks the request as being handed to the kernel or a blocking thread: from now on it cannot be cancelled.
     *
     * @return false when its promise was cancelled already
     */
    boolean setUncancellable() {
        return promise == null || promise.setUncancellable();
    }

    /** @return why the promise was cancelled (only valid after {@link #setUncancellable()} returned false) */
    Throwable cancellationCause() {
        return promise.cause();
    }

    /** Each hop between threads runs the request itself: see the stages. */
    @Override
    public void run() {
        switch (stage) {
            case STAGE_BLOCKING:
                runBlocking();
                break;
            default:
                channel.driver().enqueue(this);
        }
    }

    /** Called by the engine on the loop before handing the request to the blocking executor. */
    void toBlocking() {
        stage = STAGE_BLOCKING;
        slot = -1;
        nowait = false;
    }

    private void runBlocking() {
        AioEngine engine = channel.driver().engine();
        blockingError = null;
        try {
            blockingResult = performBlocking(channel.fileIo());
        } catch (NativeIoException e) {
            blockingResult = -e.errno();
        } catch (Throwable t) {
            blockingError = t;
        }
        stage = STAGE_SUBMIT;
        engine.postBlockingDone(this);
    }

    /** Does what remains of the request synchronously. Runs on a blocking thread. */
    private long performBlocking(FileIo io) throws IOException {
        switch (kind) {
            case FSYNC:
            case FDATASYNC:
                io.sync(kind == FSYNC);
                return 0;
            case TRUNCATE:
                io.truncate(position);
                return 0;
            case ALLOCATE:
                io.allocate(position, length);
                return 0;
            default:
                break;
        }
        ensureBounce();
        boolean read = isRead();
        if (bounce != null) {
            int index = (int) done;
            int len = (int) (length - done);
            return read ? io.read(bounce, index, len, position + done) : io.write(bounce, index, len, position + done);
        }
        BlockingTransfer transfer = new BlockingTransfer(io, read, done, position + done);
        BufferSegments.forEachBuffer(buf, bufs, read, transfer);
        if (transfer.error != null && transfer.total == 0) {
            throw transfer.error;
        }
        return transfer.total;
    }

    /** Reads or writes segment after segment until one comes up short. */
    private static final class BlockingTransfer implements BufferSegments.BufferVisitor {
        final FileIo io;
        final boolean read;
        long skip;
        final long position;
        long total;
        IOException error;

        BlockingTransfer(FileIo io, boolean read, long skip, long position) {
            this.io = io;
            this.read = read;
            this.skip = skip;
            this.position = position;
        }

        @Override
        public boolean segment(ByteBuf b, int index, int length) {
            if (skip >= length) {
                skip -= length;
                return true;
            }
            int from = index + (int) skip;
            int len = length - (int) skip;
            skip = 0;
            long n;
            try {
                n = read ? io.read(b, from, len, position + total) : io.write(b, from, len, position + total);
            } catch (IOException e) {
                error = e;
                return false;
            }
            total += n;
            return n == len;
        }
    }

    /**
     * Listens to the promise while the request waits for a slot, so a cancel releases the buffer at once instead
     * of when a slot frees up. Runs on the promise's executor, so the removal hops to the completion loop.
     */
    @Override
    public void operationComplete(Future<Object> future) {
        if (!future.isCancelled()) {
            return;
        }
        AioFileChannel ch = channel;
        if (ch == null || future != promise) {
            return; // finished or recycled meanwhile
        }
        CompletionDriver driver = ch.driver();
        Runnable remove = () -> driver.engine().removeCancelled(this, future);
        if (driver.executor().inEventLoop()) {
            remove.run();
        } else {
            try {
                driver.executor().execute(remove);
            } catch (RejectedExecutionException ignore) {
                // the loop is gone; its shutdown failed and released every waiting request
            }
        }
    }

    /** A buffered READ or READ_FULLY into one addressable buffer: the cached-read fast path can serve it. */
    boolean isCachedReadCandidate() {
        return (kind == READ || kind == READ_FULLY) && !channel.isDirect() && bufs == null
                && !(buf instanceof CompositeByteBuf) && buf.hasMemoryAddress();
    }

    /** Where the rest of a single-buffer read goes. */
    long targetAddress() {
        return buf.memoryAddress() + buf.writerIndex() + done;
    }

    /**
     * @return whether a RWF_NOWAIT read result settles the request: the whole rest, end of file (0), or an error
     *         other than EAGAIN/EOPNOTSUPP
     */
    boolean nowaitSatisfied(long res) {
        if (res == -Errno.EAGAIN || res == -Errno.EOPNOTSUPP) {
            return false;
        }
        return res <= 0 || res == length - done;
    }

    boolean isRead() {
        return kind == READ || kind == READ_FULLY || kind == READV;
    }

    /** @return whether the request moves no data: sync, truncate, allocate (its promise is a Future&lt;Void&gt;) */
    boolean isDataless() {
        return kind >= FSYNC;
    }

    /** @return whether the kernel can do it as an AIO request (truncate and allocate are system calls) */
    boolean isAioCapable() {
        return kind <= FDATASYNC;
    }

    String operation() {
        return OPERATION[kind];
    }

    /** Fills iocb {@code slot} for what remains of this request. Loop thread. */
    void prepare(IocbArray iocbs, int slot, AioEngine engine) {
        this.slot = slot;
        this.nowait = false;
        int fd = channel.fileIo().fd();
        if (kind == FSYNC) {
            iocbs.prepareFsync(slot, fd);
            return;
        }
        if (kind == FDATASYNC) {
            iocbs.prepareFdsync(slot, fd);
            return;
        }
        long offset = position + done;
        long remaining = length - done;
        boolean read = isRead();
        ensureBounce();
        if (bounce != null || bufs == null && !(buf instanceof CompositeByteBuf)) {
            long address = bounce != null ? bounce.memoryAddress()
                    : buf.memoryAddress() + (read ? buf.writerIndex() : buf.readerIndex());
            if (read) {
                iocbs.preparePread(slot, fd, address + done, remaining, offset);
            } else {
                iocbs.preparePwrite(slot, fd, address + done, remaining, offset);
            }
            return;
        }
        IovecArray iov = engine.iovecs(slot);
        int count = BufferSegments.fill(iov, buf, bufs, read, done);
        if (read) {
            iocbs.preparePreadv(slot, fd, iov.address(), count, offset);
        } else {
            iocbs.preparePwritev(slot, fd, iov.address(), count, offset);
        }
    }

    /**
     * Native I/O needs memory addresses: copy through an aligned direct buffer when some segment has none. The
     * fallback engine bounces too: a JDK FileChannel given heap buffers on a DIRECT file caches an aligned slice
     * without a cleaner among its per-thread temporary buffers, and a later read on that thread then fails with an
     * NPE in sun.nio.ch.Util.free (JDK 17 and 25).
     */
    private void ensureBounce() {
        if (bounce != null || !needsBounce()) {
            return;
        }
        bounce = AioBuffers.directBuffer((int) length, Math.max(1, channel.memoryAlignment()));
        if (!isRead()) {
            gather(bounce);
        }
    }

    private boolean needsBounce() {
        if (bufs != null) {
            return !BufferSegments.allAddressable(bufs);
        }
        if (buf instanceof CompositeByteBuf) {
            return !BufferSegments.allAddressable((CompositeByteBuf) buf);
        }
        return !buf.hasMemoryAddress();
    }

    private void gather(ByteBuf target) {
        if (bufs != null) {
            for (ByteBuf b : bufs) {
                target.writeBytes(b, b.readerIndex(), b.readableBytes());
            }
        } else {
            target.writeBytes(buf, buf.readerIndex(), (int) length);
        }
    }

    /**
     * Handles a result: an io_event's {@code res}, or what the blocking thread got. Loop thread.
     *
     * @return {@link #CONTINUE} to submit the rest again, or {@link #FINISHED} when the promise was completed
     */
    int onEvent(long res, AioEngine engine) {
        slot = -1;
        if (res < 0) {
            fail(new NativeIoException(operation(), (int) -res, describe()));
            return FINISHED;
        }
        if (isDataless()) {
            succeed(engine);
            return FINISHED;
        }
        if (isRead()) {
            if (res == 0) {
                succeed(engine); // end of file
                return FINISHED;
            }
            done += res;
            if (kind == READ_FULLY && done < length && alignedForDirect(done)) {
                return CONTINUE;
            }
            succeed(engine);
            return FINISHED;
        }
        if (res == 0) {
            fail(new IOException(operation() + " made no progress: 0 of " + (length - done) + " bytes written; "
                    + describe()));
            return FINISHED;
        }
        done += res;
        if (done < length) {
            engine.metrics().shortWrites++;
            return CONTINUE;
        }
        succeed(engine);
        return FINISHED;
    }

    /** A DIRECT transfer that ends off the alignment hit end of file: continuing would be a misaligned request. */
    boolean alignedForDirect(long bytes) {
        int alignment = channel.offsetAlignment();
        return alignment <= 1 || bytes % alignment == 0;
    }

    String describe() {
        if (kind == TRUNCATE) {
            return "file " + channel.path() + ", size " + position;
        }
        if (isDataless() && kind != ALLOCATE) {
            return "file " + channel.path();
        }
        return "file " + channel.path() + ", position " + (position + done) + ", length " + (length - done);
    }

    private void succeed(AioEngine engine) {
        Promise<?> p = promise;
        AioCompletionHandler<Object> h = handler;
        Object a = attachment;
        long n = done;
        byte k = kind;
        if (k == READ || k == READ_FULLY || k == READV) {
            if (n > 0) {
                BufferSegments.advanceWriters(buf, bufs, bounce, n);
            }
        } else if (k == WRITE || k == WRITEV) {
            BufferSegments.advanceReaders(buf, bufs, n);
        }
        recycle();
        if (h != null) {
            int result = (k == READ || k == READ_FULLY) && n == 0 ? -1 : (int) n;
            try {
                h.completed(result, a);
            } catch (Throwable t) {
                HandlerErrors.log(h, t);
            }
            return;
        }
        if (k == READV || k == WRITEV) {
            long result = k == READV && n == 0 ? -1 : n;
            AioEngine.<Long>cast(p).trySuccess(engine.boxLong(result));
        } else if (k >= FSYNC) {
            p.trySuccess(null);
        } else {
            int result = (k == READ || k == READ_FULLY) && n == 0 ? -1 : (int) n;
            AioEngine.<Integer>cast(p).trySuccess(engine.boxInt(result));
        }
    }

    /** Fails the promise, leaving the caller's buffers and indices untouched, and recycles. Any thread. */
    void fail(Throwable cause) {
        Promise<?> p = promise;
        AioCompletionHandler<Object> h = handler;
        Object a = attachment;
        recycle();
        if (h != null) {
            HandlerErrors.failed(h, cause, a);
        } else {
            p.tryFailure(cause);
        }
    }

    /** Releases what this request holds and returns it to the pool. */
    private void recycle() {
        if (bounce != null) {
            bounce.release();
            bounce = null;
        }
        if (buf != null) {
            buf.release();
            buf = null;
        }
        if (bufs != null) {
            for (ByteBuf b : bufs) {
                b.release();
            }
            bufs = null;
        }
        channel = null;
        promise = null;
        handler = null;
        attachment = null;
        blockingError = null;
        slot = -1;
        handle.recycle(this);
    }
}
