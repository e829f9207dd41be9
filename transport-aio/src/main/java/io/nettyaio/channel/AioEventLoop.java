package io.nettyaio.channel;

import io.netty.util.concurrent.RejectedExecutionHandlers;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.nettyaio.linux.EventFd;
import io.nettyaio.linux.NativeIoException;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A completion loop: one thread that owns one AIO context and one eventfd. It sleeps in {@code poll(2)} on the
 * eventfd, which both the kernel (on completion) and other threads (on new tasks) ring; each turn it reaps every
 * ready completion, runs tasks (requests handed over from other threads among them), and submits everything
 * prepared during the turn with one {@code io_submit}.
 *
 * <p>Shutdown ({@code shutdownGracefully}) lets submitted requests finish, fails requests still waiting for a slot
 * with {@code ClosedChannelException}, closes the channels bound to the loop, and frees the context.
 *
 * <p>Obtain loops from an {@link AioEventLoopGroup}; pass one to {@link AioFileChannel#open(java.nio.file.Path,
 * io.netty.util.concurrent.EventExecutor, java.nio.file.OpenOption...)} to run that file's completions, and its
 * promise listeners, on this thread.
 */
public final class AioEventLoop extends SingleThreadEventExecutor {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(AioEventLoop.class);
    private static final long MAX_POLL_MILLIS = TimeUnit.SECONDS.toMillis(1);
    /**
     * Tasks run at most this long per turn before completions are reaped again and shutdown is checked: requests
     * that complete at once (page-cache hits) can make listeners add tasks as fast as they run.
     */
    private static final long TASK_BUDGET_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    /** The doorbell with Linux AIO; {@code null} for the fallback engine, which parks instead. */
    private final EventFd eventFd;
    private final AioEngine engine;
    private volatile Thread thread;
    /** True while the loop is (about to be) blocked in poll: only then does a wakeup need an eventfd write. */
    private final AtomicBoolean polling = new AtomicBoolean();
    private final OpenChannels channels = new OpenChannels();

    AioEventLoop(AioEventLoopGroup parent, Executor executor, int capacity, BlockingIoExecutor blocking) {
        // A queue that supports remove(Object): a task offered while the loop shuts down is then taken back and
        // rejected by Netty (the request fails with ClosedChannelException). With an MPSC queue, which cannot remove,
        // such a request was dropped unrun at termination: its future never completed and its buffer leaked.
        super(parent, executor, false, new ConcurrentLinkedQueue<Runnable>(),
                RejectedExecutionHandlers.reject());
        EventFd efd = null;
        try {
            if (Aio.isAvailable()) {
                efd = EventFd.open();
            }
            this.engine = new AioEngine(this, capacity, efd, blocking);
        } catch (NativeIoException e) {
            closeQuietly(efd);
            throw new IllegalStateException("cannot create AIO completion loop with capacity " + capacity + ": "
                    + e.getMessage(), e);
        }
        this.eventFd = efd;
    }

    private static void closeQuietly(EventFd efd) {
        if (efd != null) {
            try {
                efd.close();
            } catch (NativeIoException ignore) {
                // nothing else to do
            }
        }
    }

    CompletionDriver driver() {
        return driver;
    }

    /** The engine is ours alone; each loop turn flushes, so enqueuing is all a request needs. */
    private final CompletionDriver driver = new CompletionDriver() {
        @Override
        public io.netty.util.concurrent.EventExecutor executor() {
            return AioEventLoop.this;
        }

        @Override
        public AioEngine engine() {
            return engine;
        }

        @Override
        public void enqueue(AioRequest request) {
            engine.enqueue(request);
        }

        @Override
        public OpenChannels channels() {
            return channels;
        }

        @Override
        public boolean isShuttingDown() {
            return AioEventLoop.this.isShuttingDown();
        }
    };

    /**
     * The loop's counters. Read from any thread for a recent picture (see {@link AioMetrics}).
     *
     * @return the counters
     */
    public AioMetrics metrics() {
        return engine.metrics();
    }

    /** @return how many requests this loop can have in the kernel at once (its AIO context's capacity) */
    public int capacity() {
        return engine.capacity();
    }

    /** @return whether this loop submits to Linux AIO (false: the fallback engine, all on blocking threads) */
    public boolean usesAio() {
        return engine.usesAio();
    }

    @Override
    protected void run() {
        thread = Thread.currentThread();
        for (;;) {
            try {
                if (!hasTasks()) {
                    waitForWork();
                }
                engine.reap();
                runAllTasks(TASK_BUDGET_NANOS);
                engine.flush();
            } catch (Throwable t) {
                logger.warn("Unexpected exception in the AIO completion loop", t);
            }
            if (isShuttingDown()) {
                engine.stopAccepting();
                if (!engine.hasWork() && confirmShutdown()) {
                    break;
                }
            }
        }
    }

    private void waitForWork() throws NativeIoException {
        // Both in the ticker's time base. Not delayNanos(ticker().nanoTime()): that method expects an absolute
        // System.nanoTime() and subtracts the ticker's start, so every poll waited the 1 s maximum.
        long delayNanos = isShuttingDown() ? TimeUnit.MILLISECONDS.toNanos(100)
                : Math.max(0, deadlineNanos() - ticker().nanoTime());
        long millis = Math.min(MAX_POLL_MILLIS, (delayNanos + 999_999) / 1_000_000);
        polling.set(true);
        try {
            // A task added after the check above saw polling == true and rang the eventfd, or is seen here
            if (hasTasks()) {
                return;
            }
            if (eventFd == null) {
                java.util.concurrent.locks.LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(millis));
            } else if (eventFd.awaitReadable((int) millis)) {
                eventFd.read();
            }
        } finally {
            polling.set(false);
        }
    }

    @Override
    protected void wakeup(boolean inEventLoop) {
        if (!inEventLoop && polling.compareAndSet(true, false)) {
            if (eventFd == null) {
                java.util.concurrent.locks.LockSupport.unpark(thread);
                return;
            }
            try {
                eventFd.signal();
            } catch (NativeIoException e) {
                logger.warn("Cannot wake the AIO completion loop", e);
            }
        }
    }

    @Override
    protected void cleanup() {
        try {
            channels.closeAll(engine);
        } finally {
            closeQuietly(eventFd);
        }
    }
}
