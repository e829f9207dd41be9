package io.nettyaio.channel;

/**
 * Receives the outcome of a request made with a handler instead of a promise: the allocation-free form of
 * {@link AioFileChannel#read(io.netty.buffer.ByteBuf, long, Object, AioCompletionHandler)} and
 * {@link AioFileChannel#write(io.netty.buffer.ByteBuf, long, Object, AioCompletionHandler)}, for storage engines that
 * issue millions of requests and reuse one handler for all of them.
 *
 * <p>Exactly one method is called, once, on the channel's completion loop; for bad input or a closed channel it is
 * called at once on the calling thread. Buffer indices have moved (on success) before it is called. A handler must
 * not block; an exception it throws is logged and otherwise ignored.
 *
 * @param <A> the type of the attachment passed back with the outcome
 */
public interface AioCompletionHandler<A> {
    /**
     * @param result bytes read or written; -1 for a read at or past end of file
     * @param attachment what was passed with the request
     */
    void completed(int result, A attachment);

    /**
     * @param cause why the request failed: the same exceptions a promise would have been failed with
     * @param attachment what was passed with the request
     */
    void failed(Throwable cause, A attachment);
}
