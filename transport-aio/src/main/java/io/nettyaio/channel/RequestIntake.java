package io.nettyaio.channel;

import io.netty.buffer.ByteBuf;
import io.netty.util.IllegalReferenceCountException;
import io.netty.util.concurrent.Promise;

/**
 * The way in for requests that move data: check the arguments ({@link RequestChecks}), retain the buffers, take a
 * pooled {@link IoRequest} and hand it to the file's {@link LoopDriver}; or, for bad input and empty buffers, complete
 * at once. The same skeleton for single-buffer and vectored requests, promises and handlers. Any thread.
 */
final class RequestIntake {
    private RequestIntake() { }

    /**
     * Checks, retains and hands to the driver a request that moves data, completing either {@code promise} or
     * {@code handler} (exactly one is non-null). Never throws: every problem completes the one or the other.
     */
    static void submit(FileState file, byte kind, ByteBuf buf, ByteBuf[] array, long position, Promise<?> promise,
                        AioCompletionHandler<Object> handler, Object attachment) {
        boolean read = kind == IoRequest.READ || kind == IoRequest.READ_FULLY || kind == IoRequest.READV;
        boolean vectored = kind == IoRequest.READV || kind == IoRequest.WRITEV;
        String name = (read ? "dst" : "src") + (vectored ? "s" : "");
        Object zero = vectored ? (Object) 0L : (Object) 0;
        if (vectored && array == null) {
            finishEarly(promise, handler, attachment, new NullPointerException(name), zero);
            return;
        }
        ByteBuf[] bufs = array == null ? null : array.clone(); // the caller may reuse its array meanwhile
        Throwable invalid = RequestChecks.buffers(name, buf, bufs, read);
        if (invalid == null) {
            invalid = RequestChecks.channel(file, read, !read);
        }
        if (invalid == null) {
            invalid = RequestChecks.position("position", position);
        }
        if (invalid != null) {
            finishEarly(promise, handler, attachment, invalid, zero);
            return;
        }
        int retained = 0;
        try {
            retained = retain(name, buf, bufs);
            long length = RequestChecks.length(buf, bufs, read);
            if (length == 0) {
                release(buf, bufs, retained);
                finishEarly(promise, handler, attachment, null, zero);
                return;
            }
            invalid = RequestChecks.range(position, length);
            if (invalid == null) {
                invalid = RequestChecks.vectored(name, buf, bufs, read);
            }
            if (invalid == null) {
                invalid = RequestChecks.bounce(name, buf, bufs, length);
            }
            if (invalid == null && file.isDirect()) {
                invalid = RequestChecks.direct(name, file, buf, bufs, read, position, length);
            }
            if (invalid != null) {
                release(buf, bufs, retained);
                finishEarly(promise, handler, attachment, invalid, zero);
                return;
            }
            file.driver().submit(handler == null ? IoRequest.newRequest(file, kind, buf, bufs, position, length, promise)
                    : IoRequest.newRequest(file, kind, buf, position, length, attachment, handler));
        } catch (Throwable t) {
            release(buf, bufs, retained); // nothing was handed over: the references taken above are ours to return
            finishEarly(promise, handler, attachment, t, zero);
        }
    }

    /** Retains every buffer; on a released one, gives back what it took and throws a named error. */
    private static int retain(String name, ByteBuf buf, ByteBuf[] bufs) {
        if (bufs == null) {
            try {
                buf.retain();
            } catch (IllegalReferenceCountException e) {
                throw new IllegalArgumentException(name + ": released buffer (refCnt 0)", e);
            }
            return 1;
        }
        for (int i = 0; i < bufs.length; i++) {
            try {
                bufs[i].retain();
            } catch (IllegalReferenceCountException e) {
                release(null, bufs, i);
                throw new IllegalArgumentException(name + "[" + i + "]: released buffer (refCnt 0)", e);
            }
        }
        return bufs.length;
    }

    private static void release(ByteBuf buf, ByteBuf[] bufs, int retained) {
        if (bufs == null) {
            if (retained > 0) {
                buf.release();
            }
            return;
        }
        for (int i = 0; i < retained; i++) {
            bufs[i].release();
        }
    }

    /** Completes a request that never reached the driver: a failure when {@code cause} is set, else {@code zero}. */
    private static void finishEarly(Promise<?> promise, AioCompletionHandler<Object> handler, Object attachment,
                                    Throwable cause, Object zero) {
        if (handler != null) {
            if (cause != null) {
                HandlerCalls.failed(handler, cause, attachment);
            } else {
                HandlerCalls.completed(handler, 0, attachment);
            }
        } else if (cause != null) {
            promise.tryFailure(cause);
        } else {
            ResultBoxes.<Object>cast(promise).trySuccess(zero);
        }
    }
}
