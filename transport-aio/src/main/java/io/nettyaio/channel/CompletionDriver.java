package io.nettyaio.channel;

import io.netty.util.concurrent.EventExecutor;

/**
 * What runs an {@link AioEngine}: the thread that submits and reaps, and how requests reach it. Two kinds exist: our
 * own {@link AioEventLoop}, and an {@code EpollCompletionDriver} that registers the engine's eventfd on a Netty 4.2
 * epoll loop so completions run on the server's own loop.
 */
interface CompletionDriver {
    /** @return the executor whose thread owns the engine */
    EventExecutor executor();

    /** @return the engine; touch only on {@link #executor()}'s thread */
    AioEngine engine();

    /** Accepts a request on the executor's thread and makes sure it is submitted in this loop turn. */
    void enqueue(AioRequest request);

    /** @return the channels open on this driver, closed with it if it goes away first (add and remove: any thread) */
    OpenChannels channels();

    /** @return whether the driver is shutting down or gone (no new channels) */
    boolean isShuttingDown();
}
