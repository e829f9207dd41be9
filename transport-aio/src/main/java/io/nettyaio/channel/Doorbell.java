package io.nettyaio.channel;

/**
 * What an {@link AioEventLoop} sleeps on between turns, and what wakes it: the eventfd that the kernel signals on
 * completion (with Linux AIO), or a plain park (the blocking engine, whose results arrive as tasks).
 */
interface Doorbell {
    /** The loop's thread has started; it is the only one that will {@link #await}. */
    default void bind(Thread loopThread) {
    }

    /**
     * Sleeps until rung, or at most {@code nanos} (&gt; 0; as precisely as the kernel's wait allows: the due time of
     * the loop's next scheduled task, not rounded up to a millisecond). Loop thread.
     */
    void await(long nanos) throws Exception;

    /** Wakes the loop. Any thread. */
    void ring();

    /** Frees what the doorbell holds. Once, by its driver. */
    void close();
}
