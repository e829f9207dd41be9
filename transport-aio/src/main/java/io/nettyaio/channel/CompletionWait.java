package io.nettyaio.channel;

import io.nettyaio.linux.AioContext;
import io.nettyaio.linux.CompletionHandler;
import io.nettyaio.linux.NativeIoException;

/**
 * How a {@link LinuxAioEngine} sleeps until something completes: on the eventfd that every iocb signals
 * ({@link EventFdWait}, for loops that wait elsewhere, such as Netty's epoll loop), or inside {@code io_getevents}
 * ({@link GeteventsWait}, for our own {@link AioEventLoop}), which waits and reaps in one system call. Loop thread.
 */
interface CompletionWait {
    /** @return the eventfd that each iocb names with {@code IOCB_FLAG_RESFD}, or -1 for none */
    int resfd();

    /**
     * Sleeps until a request completes or the loop is woken, at most {@code nanos} (&gt; 0). Events the wait took
     * from the kernel are kept for {@link #deliver}.
     */
    void await(AioContext context, long nanos) throws NativeIoException;

    /** Hands the events kept by the last {@link #await} to {@code handler}, before the ring is reaped. */
    void deliver(CompletionHandler handler);

    /** @return whether the event with this user data was the wait's own (not a request's); it is consumed then */
    boolean consume(long userData) throws NativeIoException;

    /** Frees the wait's memory, after the context is destroyed. */
    void free();
}
