package io.nettyaio.channel;

import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.internal.SystemPropertyUtil;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The bounded pool of threads that run file operations which would block a completion loop: buffered reads that
 * miss the page cache, writes the kernel cannot do without waiting, truncate, allocate, and everything when Linux AIO
 * is unavailable. Engines limit how many requests they hand it at once ({@link #threads()}), keeping the rest in
 * their own queues, so it never rejects work and its queue stays short.
 *
 * <p>Threads are named {@code aio-blocking-*}; {@value #THREADS_PROP_NAME} sets their number (default
 * {@code max(4, 2 * cores)}). One per {@link AioEventLoopGroup}, shut down with it; a shared one serves epoll loops.
 *
 * <p>The threads are daemon threads, in every pool: they only ever work for a loop, and a loop closes its engine
 * (which waits for what runs here) before it terminates, so whether the JVM may exit is the loops' thread's decision.
 * A user's group has non-daemon loop threads, which keep the JVM alive until it is shut down; the default group's
 * loops are daemon threads, so that a program that only called {@code AioFileChannel.open(path)} ends when its
 * {@code main} returns.
 */
final class BlockingIoExecutor {
    static final String THREADS_PROP_NAME = "io.nettyaio.blockingThreads";
    static final int DEFAULT_THREADS = SystemPropertyUtil.getInt(THREADS_PROP_NAME,
            Math.max(4, 2 * Runtime.getRuntime().availableProcessors()));

    private final ThreadPoolExecutor pool;
    private final int threads;

    BlockingIoExecutor(String name, int threads) {
        this.threads = threads;
        this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                new DefaultThreadFactory(name, true));
    }

    /**
     * Starts every thread, on the calling thread: the one that creates the group, not a loop that would otherwise
     * start them on demand (a thread inherits its creator's cgroup and scheduling settings, and these threads should
     * not inherit a loop's). Called once the group is fully constructed, so that a group whose construction fails
     * (a loop's eventfd or AIO context refused) leaves no thread behind. Idempotent.
     *
     * @return this
     */
    BlockingIoExecutor start() {
        pool.prestartAllCoreThreads();
        return this;
    }

    /** The executor for engines outside any group (epoll loops): never shut down. */
    static BlockingIoExecutor shared() {
        return Shared.INSTANCE;
    }

    private static final class Shared {
        static final BlockingIoExecutor INSTANCE = new BlockingIoExecutor("aio-blocking-shared", DEFAULT_THREADS)
                .start();
    }

    /** @return how many operations may run at once; engines hand it no more than this per engine */
    int threads() {
        return threads;
    }

    void execute(Runnable task) {
        pool.execute(task);
    }

    void shutdown() {
        pool.shutdown();
    }
}
