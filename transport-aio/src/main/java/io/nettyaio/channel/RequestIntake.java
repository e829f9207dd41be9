package io.nettyaio.channel;

import io.netty.buffer.ByteBuf;
import io.netty.util.IllegalReferenceCountException;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

/**
 * The way in for requests that move data: check the arguments ({@link RequestChecks}), retain the buffers, take a
 * pooled {@link IoRequest} and hand it to the file's {@link LoopDriver}; or, for bad input and empty buffers, complete
 * at once. The same skeleton for single-buffer and vectored requests, promises and handlers. Any thread.
 */
final class RequestIntake {
    private RequestIntake() { }

    /** A promise's request that moves data, with the channel's defaults; see the next method. */
    static <T> Future<T> submit(FileState file, byte kind, ByteBuf buf, ByteBuf[] bufs, long position,
                                Promise<T> promise) {
        if (promise == null) {
            return file.<T>newPromise().setFailure(new NullPointerException("promise"));
        }
        submit(file, kind, buf, bufs, position, AioRequestOptions.DEFAULT, promise, null, null);
        return promise;
    }

    /** Checks and hands to the driver a request that moves no data: sync, truncate, allocate. */
    static Future<Void> submitDataless(FileState file, byte kind, long position, long length) {
        Promise<Void> promise = file.newPromise();
        Throwable invalid = RequestChecks.dataless(file, kind, position, length);
        if (invalid != null) {
            return promise.setFailure(invalid);
        }
        IoRequest r = IoRequest.newRequest(file, kind, null, null, position, length, promise);
        r.ioOptions(file.ioPriority(AioRequestOptions.DEFAULT), 0);
        file.driver().submit(r);
        return promise;
    }

    /**
     * Checks, retains and hands to the driver a request that moves data, completing either {@code promise} or
     * {@code handler} (exactly one is non-null). Never throws: every problem completes the one or the other.
     */
    static void submit(FileState file, byte kind, ByteBuf buf, ByteBuf[] array, long position,
                       AioRequestOptions options, Promise<?> promise, AioCompletionHandler<Object> handler,
                       Object attachment) {
        boolean read = kind == IoRequest.READ || kind == IoRequest.READ_FULLY || kind == IoRequest.READV;
        boolean vectored = kind == IoRequest.READV || kind == IoRequest.WRITEV;
        String name = read ? (vectored ? "dsts" : "dst") : (vectored ? "srcs" : "src"); // constants: no allocation
        Object zero = vectored ? (Object) 0L : (Object) 0;
        if (vectored && array == null) {
            finishEarly(promise, handler, attachment, new NullPointerException(name), zero);
            return;
        }
        ByteBuf[] bufs = array == null ? null : array.clone(); // the caller may reuse its array meanwhile
        Throwable invalid = RequestChecks.request(name, file, buf, bufs, read, position, options);
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
            IoRequest r = handler == null ? IoRequest.newRequest(file, kind, buf, bufs, position, length, promise)
                    : IoRequest.newRequest(file, kind, buf, position, length, attachment, handler);
            r.ioOptions(file.ioPriority(options), read ? 0 : options.rwFlags());
            file.driver().submit(r);
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
