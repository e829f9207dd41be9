package io.nettyaio.channel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.FutureListener;
import io.netty.util.concurrent.Promise;
import io.netty.util.Recycler;
import io.nettyaio.linux.IocbArray;
import io.nettyaio.linux.IovecArray;
import io.nettyaio.linux.NativeIoException;

import java.io.IOException;

/**
 * One file operation on its way from the caller to the kernel and back: what to do, on which buffers, and the
 * promise to complete. Pooled (taken on the caller's thread, recycled on the loop), and itself the task that hops
 * to the loop, so a request costs no allocation once the pool is warm.
 *
 * <p>Life: {@link #newRequest} (caller, buffer retained) → {@link #run()} on the loop → {@link AioEngine} assigns an
 * iocb slot and calls {@link #prepare} → the kernel completes → {@link #onEvent} decides: done, continue (short write,
 * readFully), or fail → {@link #succeed}/{@link #fail} move indices, release, recycle, then complete the promise.
 */
final class AioRequest implements Runnable, FutureListener<Object> {
    static final byte READ = 0;
    static final byte READ_FULLY = 1;
    static final byte WRITE = 2;
    static final byte READV = 3;
    static final byte WRITEV = 4;
    static final byte FSYNC = 5;
    static final byte FDATASYNC = 6;

    private static final String[] OPERATION = {"pread", "pread", "pwrite", "preadv", "pwritev", "fsync", "fdatasync"};

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
    long position;
    long length;
    long done;
    Promise<?> promise;
    /** Direct copy of the data for buffers the kernel cannot address. */
    ByteBuf bounce;
    int slot = -1;

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
        return r;
    }

    /** Runs on the completion loop when the request was handed over from another thread. */
    @Override
    public void run() {
        channel.driver().enqueue(this);
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
            } catch (java.util.concurrent.RejectedExecutionException ignore) {
                // the loop is gone; its shutdown failed and released every waiting request
            }
        }
    }

    boolean isRead() {
        return kind == READ || kind == READ_FULLY || kind == READV;
    }

    boolean isSync() {
        return kind == FSYNC || kind == FDATASYNC;
    }

    String operation() {
        return OPERATION[kind];
    }

    /** Fills iocb {@code slot} for what remains of this request. Loop thread. */
    void prepare(IocbArray iocbs, int slot, AioEngine engine) {
        this.slot = slot;
        int fd = channel.fd();
        if (isSync()) {
            if (kind == FSYNC) {
                iocbs.prepareFsync(slot, fd);
            } else {
                iocbs.prepareFdsync(slot, fd);
            }
            return;
        }
        long offset = position + done;
        long remaining = length - done;
        boolean read = isRead();
        if (bounce == null && needsBounce()) {
            bounce = AioBuffers.directBuffer((int) length, Math.max(1, channel.memoryAlignment()));
            if (!read) {
                gather(bounce);
            }
        }
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
     * Handles a completion event. Loop thread.
     *
     * @return {@link #CONTINUE} to submit the rest again, or {@link #FINISHED} when the promise was completed
     */
    int onEvent(long res, AioEngine engine) {
        slot = -1;
        if (res < 0) {
            fail(new NativeIoException(operation(), (int) -res, describe()));
            return FINISHED;
        }
        if (isSync()) {
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

    /** A DIRECT read that ends off the alignment hit end of file: continuing would be a misaligned request. */
    private boolean alignedForDirect(long bytes) {
        int alignment = channel.offsetAlignment();
        return alignment <= 1 || bytes % alignment == 0;
    }

    String describe() {
        return "file " + channel.path() + ", position " + (position + done) + ", length " + (length - done);
    }

    private void succeed(AioEngine engine) {
        Promise<?> p = promise;
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
        if (k == READV || k == WRITEV) {
            long result = k == READV && n == 0 ? -1 : n;
            AioEngine.<Long>cast(p).trySuccess(engine.boxLong(result));
        } else if (k == FSYNC || k == FDATASYNC) {
            p.trySuccess(null);
        } else {
            int result = (k == READ || k == READ_FULLY) && n == 0 ? -1 : (int) n;
            AioEngine.<Integer>cast(p).trySuccess(engine.boxInt(result));
        }
    }

    /** Fails the promise, leaving the caller's buffers and indices untouched, and recycles. Any thread. */
    void fail(Throwable cause) {
        Promise<?> p = promise;
        recycle();
        p.tryFailure(cause);
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
        slot = -1;
        handle.recycle(this);
    }
}
