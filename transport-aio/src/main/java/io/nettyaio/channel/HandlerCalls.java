package io.nettyaio.channel;

import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

/** Calls into {@link AioCompletionHandler}s so that an exception they throw is logged and goes no further. */
final class HandlerCalls {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(AioCompletionHandler.class);

    private HandlerCalls() { }

    static void completed(AioCompletionHandler<Object> handler, int result, Object attachment) {
        try {
            handler.completed(result, attachment);
        } catch (Throwable t) {
            logger.warn("An AioCompletionHandler ({}) threw; ignored", handler, t);
        }
    }

    static void failed(AioCompletionHandler<Object> handler, Throwable cause, Object attachment) {
        try {
            handler.failed(cause, attachment);
        } catch (Throwable t) {
            logger.warn("An AioCompletionHandler ({}) threw; ignored", handler, t);
        }
    }
}
