package io.nettyaio.channel;

import io.netty.buffer.ByteBuf;
import io.netty.util.Recycler;
import io.netty.util.concurrent.Promise;
import io.nettyaio.linux.Errno;
import io.nettyaio.linux.NativeIoException;

import java.io.IOException;

/**
 * One file operation on its way to the kernel (or a blocking thread) and back: what to do, on which buffers, how far
 * it got, and who to tell. Pooled: taken on the caller's thread with the buffers already retained, recycled when it
 * finishes. It knows nothing of engines: an engine reads it, records results through {@link #onResult}, and ends it
 * with {@link #succeed} or {@link #fail}, which move indices, release, recycle and then complete, never throwing.
 */
final class IoRequest {
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

    private static final Recycler<IoRequest> POOL = new Recycler<IoRequest>() {
        @Override
        protected IoRequest newObject(Handle<IoRequest> handle) {
            return new IoRequest(handle);
        }
    };

    private final Recycler.Handle<IoRequest> handle;
    private FileState file;
    private byte kind;
    /** The single buffer, or the CompositeByteBuf of a vectored request. */
    private ByteBuf buf;
    /** The buffers of a ByteBuf[] vectored request. */
    private ByteBuf[] bufs;
    /** File position; the new size for TRUNCATE. */
    private long position;
    private long length;
    private long done;
    private Promise<?> promise;
    /** Instead of {@link #promise}, for the allocation-free overloads. */
    private AioCompletionHandler<Object> handler;
    private Object attachment;
    /** Direct copy of the data for buffers the kernel cannot address. */
    private ByteBuf bounce;
    /** The I/O priority to carry (0: none), and a write's RWF_DSYNC / RWF_SYNC. */
    private short ioPriority;
    private int rwFlags;
    /** When the engine accepted it, while a latency listener is installed ({@link AioMetrics#latencyStart()}). */
    private long admittedNanos;

    private IoRequest(Recycler.Handle<IoRequest> handle) {
        this.handle = handle;
    }

    /** Takes a request from the pool. The caller has retained the buffers already. */
    static IoRequest newRequest(FileState file, byte kind, ByteBuf buf, ByteBuf[] bufs, long position, long length,
                                Promise<?> promise) {
        IoRequest r = POOL.get();
        r.file = file;
        r.kind = kind;
        r.buf = buf;
        r.bufs = bufs;
        r.position = position;
        r.length = length;
        r.done = 0;
        r.promise = promise;
        r.bounce = null;
        r.handler = null;
        r.attachment = null;
        r.ioPriority = 0;
        r.rwFlags = 0;
        return r;
    }

    /** Takes a request from the pool that reports to {@code handler} instead of a promise. */
    @SuppressWarnings("unchecked")
    static IoRequest newRequest(FileState file, byte kind, ByteBuf buf, long position, long length, Object attachment,
                                AioCompletionHandler<?> handler) {
        IoRequest r = newRequest(file, kind, buf, null, position, length, null);
        r.handler = (AioCompletionHandler<Object>) handler;
        r.attachment = attachment;
        return r;
    }

    /** Sets what the request carries besides its data: an I/O priority and a write's durability flags. */
    void ioOptions(short ioPriority, int rwFlags) {
        this.ioPriority = ioPriority;
        this.rwFlags = rwFlags;
    }

    /** @return the I/O priority to carry, encoded as ioprio_set takes it; 0: none */
    short ioPriority() {
        return ioPriority;
    }

    /** @return a write's RWF_DSYNC / RWF_SYNC (0 for reads and plain writes) */
    int rwFlags() {
        return rwFlags;
    }

    FileState file() {
        return file;
    }

    void admitted(long nanos) {
        admittedNanos = nanos;
    }

    long admittedNanos() {
        return admittedNanos;
    }

    byte kind() {
        return kind;
    }

    ByteBuf buf() {
        return buf;
    }

    ByteBuf[] bufs() {
        return bufs;
    }

    Promise<?> promise() {
        return promise;
    }

    /** @return where the rest of the request starts in the file; the new size for truncate */
    long offset() {
        return position + done;
    }

    /** @return bytes still to transfer (for allocate: the range's length) */
    long remaining() {
        return length - done;
    }

    /** @return bytes transferred so far; a request with progress is started and can no longer be cancelled */
    long done() {
        return done;
    }

    boolean isRead() {
        return kind == READ || kind == READ_FULLY || kind == READV;
    }

    boolean isReadFully() {
        return kind == READ_FULLY;
    }

    /** @return whether it moves no data: sync, truncate, allocate (its promise is a Future&lt;Void&gt;) */
    boolean isDataless() {
        return kind >= FSYNC;
    }

    /** @return whether a kernel engine can run it (truncate and allocate are plain system calls) */
    boolean isKernelCapable() {
        return kind <= FDATASYNC;
    }

    /** @return a buffered read into one addressable buffer: what a synchronous page-cache read can serve */
    boolean isCachedReadCandidate() {
        return (kind == READ || kind == READ_FULLY) && !file.isDirect() && bufs == null
                && !BufferSegments.isVectored(buf, null) && buf.hasMemoryAddress();
    }

    String operation() {
        return OPERATION[kind];
    }

    /**
     * Marks the request as handed to the kernel or a blocking thread: from now on it cannot be cancelled.
     *
     * @return false when its promise was cancelled already (then fail it with {@link #cancellationCause()})
     */
    boolean start() {
        return promise == null || promise.setUncancellable();
    }

    Throwable cancellationCause() {
        return promise.cause();
    }

    /**
     * Records the outcome of one attempt ({@code res}: bytes or -errno, as an io_event has it) and says what comes
     * next; see {@link ResultClassifier}. Progress is counted here, by the request itself.
     */
    int onResult(long res, boolean nowait) {
        int verdict = ResultClassifier.classify(this, res, nowait);
        if (ResultClassifier.creditsProgress(verdict) && res > 0) {
            done += res;
        }
        return verdict;
    }

    /** @return the exception for a failed attempt, naming operation, file and position */
    IOException failure(long res) {
        if (res < 0) {
            return new NativeIoException(operation(), (int) -res, describe());
        }
        return new IOException(operation() + " made no progress: 0 of " + remaining() + " bytes written; "
                + describe());
    }

    /**
     * @param cause what a synchronous call on this request's file threw: a {@link NativeIoException} names the
     *              system call that failed (preadv2 on the cached-read path, pread for a vectored request done
     *              segment by segment), the JDK's exceptions (fallback engine) name nothing
     * @return an exception naming that call (or the request's operation), the file and the position; the JDK's
     *         exception is kept as the cause
     */
    IOException failure(IOException cause) {
        if (cause instanceof NativeIoException) {
            NativeIoException e = (NativeIoException) cause;
            String detail = describe();
            if (kind == ALLOCATE && e.errno() == Errno.ENOSPC) {
                detail += "; the size is unchanged, blocks reserved before the space ran out stay reserved past the "
                        + "end of the file: truncate(size()) frees them"; // see NativeFileIo.allocate
            }
            return new NativeIoException(e.operation(), e.errno(), detail);
        }
        return new IOException(operation() + "(..) failed: " + cause.getMessage() + "; " + describe(), cause);
    }

    String describe() {
        if (kind == TRUNCATE) {
            return "file " + file.path() + ", size " + position;
        }
        if (kind == FSYNC || kind == FDATASYNC) {
            return "file " + file.path();
        }
        return "file " + file.path() + ", position " + offset() + ", length " + remaining();
    }

    /**
     * @return the direct buffer the kernel reads or writes instead of the caller's buffers, created (and, for a
     *         write, filled) on first use; {@code null} when every segment has a memory address
     */
    ByteBuf bounceBuffer() {
        if (bounce == null && !isDataless() && !BufferSegments.allAddressable(buf, bufs)) {
            ByteBuf b = AioBuffers.directBuffer(checkedBounceLength(), file.memoryAlignment());
            if (!isRead()) {
                try {
                    BufferSegments.gather(buf, bufs, b);
                } catch (Throwable t) {
                    b.release();
                    throw t;
                }
            }
            bounce = b;
        }
        return bounce;
    }

    /**
     * @return the memory address where the rest of the transfer starts when it is one contiguous region (a single
     *         buffer, or the bounce buffer, created on first use); 0 when it needs iovecs (a vectored request whose
     *         every segment has an address)
     */
    long contiguousAddress() {
        ByteBuf b = bounceBuffer();
        if (b != null) {
            return b.memoryAddress() + done;
        }
        if (BufferSegments.isVectored(buf, bufs)) {
            return 0;
        }
        return buf.memoryAddress() + (isRead() ? buf.writerIndex() : buf.readerIndex()) + done;
    }

    /** {@link RequestChecks#bounce} refused longer requests already; this is the last line. */
    private int checkedBounceLength() {
        if (length > AioBuffers.MAX_CAPACITY) {
            throw new IllegalStateException("length: " + length + " (expected: <= " + AioBuffers.MAX_CAPACITY
                    + " for buffers without a memory address)");
        }
        return (int) length;
    }

    /**
     * Moves indices, releases, recycles, then completes with the bytes transferred (-1 for a read at end of file).
     * If moving the indices throws (a read-only component, say), the request fails with that exception instead.
     */
    void succeed(ResultBoxes boxes) {
        Throwable error = null;
        long n = done;
        byte k = kind;
        try {
            if (k == READ || k == READ_FULLY || k == READV) {
                if (n > 0) {
                    BufferSegments.advanceWriters(buf, bufs, bounce, n);
                }
            } else if (k == WRITE || k == WRITEV) {
                BufferSegments.advanceReaders(buf, bufs, n);
            }
        } catch (Throwable t) {
            error = t;
        }
        Promise<?> p = promise;
        AioCompletionHandler<Object> h = handler;
        Object a = attachment;
        Throwable released = recycle();
        if (error == null) {
            error = released;
        }
        if (error != null) {
            notifyFailure(p, h, a, error);
        } else if (h != null) {
            HandlerCalls.completed(h, (k == READ || k == READ_FULLY) && n == 0 ? -1 : (int) n, a);
        } else if (k == READV || k == WRITEV) {
            ResultBoxes.<Long>cast(p).trySuccess(boxes.boxLong(k == READV && n == 0 ? -1 : n));
        } else if (k >= FSYNC) {
            p.trySuccess(null);
        } else {
            ResultBoxes.<Integer>cast(p).trySuccess(boxes.boxInt(k <= READ_FULLY && n == 0 ? -1 : (int) n));
        }
    }

    /** Leaves the caller's buffers and indices untouched, releases, recycles, then fails. Any thread. */
    void fail(Throwable cause) {
        Promise<?> p = promise;
        AioCompletionHandler<Object> h = handler;
        Object a = attachment;
        Throwable released = recycle();
        if (released != null && released != cause) {
            cause.addSuppressed(released);
        }
        notifyFailure(p, h, a, cause);
    }

    /**
     * Fails without releasing the buffers: the kernel may still be writing to them (a ring torn down with the
     * request in it), so leaking them is the safe choice. Recycles. Loop thread.
     */
    void abandon(Throwable cause) {
        Promise<?> p = promise;
        AioCompletionHandler<Object> h = handler;
        Object a = attachment;
        bounce = null;
        buf = null;
        bufs = null;
        recycle();
        notifyFailure(p, h, a, cause);
    }

    private static void notifyFailure(Promise<?> p, AioCompletionHandler<Object> h, Object a, Throwable cause) {
        if (h != null) {
            HandlerCalls.failed(h, cause, a);
        } else {
            p.tryFailure(cause);
        }
    }

    /**
     * Releases what this request holds and returns it to the pool.
     *
     * @return the first exception a release threw (a caller who released our reference too), or {@code null}
     */
    private Throwable recycle() {
        ByteBuf b = bounce;
        ByteBuf single = buf;
        ByteBuf[] many = bufs;
        bounce = null;
        buf = null;
        bufs = null;
        file = null;
        promise = null;
        handler = null;
        attachment = null;
        handle.recycle(this);
        Throwable error = release(b, null);
        error = release(single, error);
        if (many != null) {
            for (ByteBuf m : many) {
                error = release(m, error);
            }
        }
        return error;
    }

    private static Throwable release(ByteBuf b, Throwable error) {
        if (b == null) {
            return error;
        }
        try {
            b.release();
        } catch (Throwable t) {
            if (error == null) {
                return t;
            }
            error.addSuppressed(t);
        }
        return error;
    }
}
