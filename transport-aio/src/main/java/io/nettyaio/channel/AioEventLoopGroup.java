package io.nettyaio.channel;

import io.netty.util.NettyRuntime;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.MultithreadEventExecutorGroup;
import io.netty.util.internal.SystemPropertyUtil;

import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;

/**
 * A group of {@link AioEventLoop}s, each with its own AIO context and eventfd. {@link #next()} hands them out in
 * turn; a file opened on one loop has all its completions on that loop's thread.
 *
 * <p>The context capacity (requests in the kernel at once, per loop) defaults to the system property
 * {@value #QUEUE_DEPTH_PROP_NAME} or 256; more requests than that wait in a queue, in order. Each loop charges its
 * capacity against the system-wide {@code fs.aio-max-nr}.
 *
 * <p>Each group has a bounded pool of blocking threads ({@code aio-blocking-*}) for operations that would block a
 * loop (page-cache misses, extending writes, truncate, allocate); it shuts down with the group. They are daemon
 * threads: the loops' own (non-daemon) threads keep the JVM alive until the group is shut down.
 *
 * <p>With {@code -Dio.nettyaio.busyPollMicros=N} (read when a group is created; 0, the default, is off) each loop
 * with requests in the kernel and nothing else to do looks for their completions for up to N microseconds on the
 * CPU before it sleeps: lower latency, and no wake-up for what completes within the bound, for a core's worth of
 * CPU while the device works (see {@link AioMetrics#busyPollNanos()}). It needs the ring to be read: not with
 * {@code -Dio.nettyaio.noRingReaping=true}.
 *
 * <p>Each loop's thread asks the scheduler for a short time slice, {@code -Dio.nettyaio.loopSliceMicros} (default
 * 100; 0 leaves the slice as it is): on Linux 6.12 and later a loop that wakes on a CPU another process is using
 * gets it sooner, at the same share of the CPU. Earlier kernels ignore it.
 *
 * <p>Shut it down with {@link #shutdownGracefully()} when done: submitted requests finish first.
 */
public final class AioEventLoopGroup extends MultithreadEventExecutorGroup {
    /** System property for the default context capacity per loop. */
    public static final String QUEUE_DEPTH_PROP_NAME = "io.nettyaio.queueDepth";
    static final int DEFAULT_QUEUE_DEPTH = SystemPropertyUtil.getInt(QUEUE_DEPTH_PROP_NAME, 256);

    /** Creates one loop per available processor. */
    public AioEventLoopGroup() {
        this(0);
    }

    /**
     * Creates loops with the default queue depth. Where Linux AIO is unavailable ({@link Aio#isAvailable()} false)
     * the loops run every request on the group's blocking threads instead (the fallback engine), with the same API.
     *
     * @param nThreads the number of loops; 0 means one per available processor
     */
    public AioEventLoopGroup(int nThreads) {
        this(nThreads, DEFAULT_QUEUE_DEPTH);
    }

    /**
     * @param nThreads the number of loops; 0 means one per available processor
     * @param queueDepth requests each loop may have in the kernel at once (its AIO context capacity), 1 to 65536
     * @throws IllegalArgumentException when an argument is out of range, {@code -Dio.nettyaio.busyPollMicros} is
     *                                  not a whole number from 0 to 1000000, or {@code -Dio.nettyaio.loopSliceMicros}
     *                                  is neither 0 nor a whole number from 100 to 100000
     * @throws IllegalStateException when a loop cannot be created for a reason that does not pass (an exhausted
     *                               {@code fs.aio-max-nr} or descriptor limit does not throw: such loops serve on
     *                               blocking threads until they can, see {@link AioMetrics#degradations()}); nothing
     *                               of the group is left behind then: no thread, context or descriptor
     */
    public AioEventLoopGroup(int nThreads, int queueDepth) {
        this(nThreads, queueDepth, new DefaultThreadFactory("aio-loop", false));
    }

    AioEventLoopGroup(int nThreads, int queueDepth, ThreadFactory threadFactory) {
        this(checkThreads(nThreads), checkQueueDepth(queueDepth), threadFactory, AioEventLoop.busyPollNanos(),
                LoopThreadSlice.nanosFromProperty(),
                new BlockingIoExecutor("aio-blocking", BlockingIoExecutor.DEFAULT_THREADS));
    }

    private AioEventLoopGroup(int nThreads, int queueDepth, ThreadFactory threadFactory, long busyPollNanos,
                              long sliceNanos, BlockingIoExecutor blocking) {
        // When a loop cannot be created, super() shuts down the loops created so far and throws: the blocking pool
        // has no thread yet then, so nothing is left behind
        super(nThreads, threadFactory, queueDepth, blocking, busyPollNanos, sliceNanos);
        blocking.start();
        terminationFuture().addListener(f -> blocking.shutdown());
    }

    private static int checkThreads(int nThreads) {
        if (nThreads < 0) {
            throw new IllegalArgumentException("nThreads: " + nThreads + " (expected: >= 0)");
        }
        return nThreads == 0 ? NettyRuntime.availableProcessors() : nThreads;
    }

    private static int checkQueueDepth(int queueDepth) {
        if (queueDepth < 1 || queueDepth > 65536) {
            throw new IllegalArgumentException("queueDepth: " + queueDepth + " (expected: 1..65536)");
        }
        return queueDepth;
    }

    /**
     * @return the next loop, in turn; open a file with it to have that loop run the file's completions
     */
    @Override
    public AioEventLoop next() {
        return (AioEventLoop) super.next();
    }

    @Override
    protected EventExecutor newChild(Executor executor, Object... args) {
        return new AioEventLoop(this, executor, (Integer) args[0], (BlockingIoExecutor) args[1], (Long) args[2],
                (Long) args[3]);
    }

    /**
     * The group behind {@link AioFileChannel#open(java.nio.file.Path, java.nio.file.OpenOption...)}: daemon threads,
     * created on first use. Not a holder class: a failed creation (at the descriptor limit, say) would fail that
     * class's initialization, and every later use with a bare {@code NoClassDefFoundError}; here the next call
     * tries again.
     */
    static final class Default {
        private static volatile AioEventLoopGroup instance;

        private Default() { }

        /**
         * @return the default group, created by the first call that succeeds
         * @throws IllegalStateException when it cannot be created; see {@link AioEventLoopGroup#AioEventLoopGroup(int,
         *                               int)}
         */
        static AioEventLoopGroup instance() {
            AioEventLoopGroup group = instance;
            if (group != null) {
                return group;
            }
            synchronized (Default.class) {
                if (instance == null) {
                    instance = new AioEventLoopGroup(Math.min(2, NettyRuntime.availableProcessors()),
                            DEFAULT_QUEUE_DEPTH, new DefaultThreadFactory("aio-default", true));
                }
                return instance;
            }
        }
    }
}
