package io.nettyaio.channel;

import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.nettyaio.linux.EventFd;
import io.nettyaio.linux.NativeIoException;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs an {@link AioEngine} on a Netty 4.2 epoll {@link IoEventLoop}: the engine's eventfd is registered on the loop
 * as an {@link EpollIoHandle} (level-triggered EPOLLIN), so completions are reaped, and promises completed, on that
 * loop's own thread with no other thread involved. Requests made during a loop turn are submitted together by one
 * flush task queued for the end of the turn.
 *
 * <p>One driver per loop, created on the first file opened with it; it closes with the loop (Netty closes registered
 * handles when the loop shuts down), letting submitted requests finish first.
 *
 * <p>Only {@link CompletionDrivers} refers to this class, after checking that the epoll classes are present.
 */
final class EpollCompletionDriver implements CompletionDriver, EpollIoHandle {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(EpollCompletionDriver.class);
    private static final Map<IoEventLoop, EpollCompletionDriver> DRIVERS = new ConcurrentHashMap<>();

    private final IoEventLoop loop;
    private final EventFd eventFd;
    private final FileDescriptor fd;
    private final AioEngine engine;
    private final OpenChannels channels = new OpenChannels();
    private final Runnable flushTask = this::flushNow;
    private boolean flushScheduled;
    private volatile boolean closed;

    private EpollCompletionDriver(IoEventLoop loop) throws NativeIoException {
        this.loop = loop;
        EventFd efd = EventFd.open();
        try {
            this.engine = new AioEngine(loop, AioEventLoopGroup.DEFAULT_QUEUE_DEPTH, efd, BlockingIoExecutor.shared());
        } catch (Throwable t) {
            efd.close();
            throw t;
        }
        this.eventFd = efd;
        this.fd = new FileDescriptor(efd.fd());
    }

    /** @return the driver of {@code executor} when it is an epoll IoEventLoop, else {@code null} */
    static CompletionDriver forExecutor(EventExecutor executor) {
        if (!(executor instanceof IoEventLoop) || !((IoEventLoop) executor).isCompatible(EpollIoHandle.class)) {
            return null;
        }
        IoEventLoop loop = (IoEventLoop) executor;
        EpollCompletionDriver driver = DRIVERS.get(loop);
        if (driver != null && !driver.closed) {
            return driver;
        }
        try {
            EpollCompletionDriver created = new EpollCompletionDriver(loop);
            driver = DRIVERS.compute(loop, (k, old) -> old == null || old.closed ? created : old);
            if (driver == created) {
                created.start();
            } else {
                created.discard(); // another thread attached first
            }
            return driver;
        } catch (NativeIoException e) {
            throw new IllegalStateException("cannot attach AIO to " + loop + ": " + e.getMessage(), e);
        }
    }

    private void start() {
        // Netty closes registered handles when the loop shuts down, but misses one registered after the loop's last
        // prepareToDestroy, and every one when the shutdown begins between its isShuttingDown check and
        // confirmShutdown: then requests never complete, the files stay open and the context leaks. A shutdown hook
        // closes the driver on the loop thread before it terminates (promise listeners still run); should the loop
        // be gone before the hook is added, the termination listener does it (nothing else runs by then).
        if (loop instanceof SingleThreadEventExecutor) {
            try {
                ((SingleThreadEventExecutor) loop).addShutdownHook(this::closeDriver);
            } catch (RejectedExecutionException ignore) {
                // already terminated: the termination listener below closes the driver
            }
        }
        loop.terminationFuture().addListener(f -> closeDriver());
        loop.register(this).addListener((Future<IoRegistration> f) -> {
            if (f.isSuccess()) {
                f.getNow().submit(EpollIoOps.EPOLLIN);
            } else {
                logger.warn("Cannot register the AIO eventfd on {}", loop, f.cause());
                closeDriver();
            }
        });
    }

    @Override
    public EventExecutor executor() {
        return loop;
    }

    @Override
    public AioEngine engine() {
        return engine;
    }

    @Override
    public void enqueue(AioRequest request) {
        engine.enqueue(request);
        if (!flushScheduled) {
            flushScheduled = true;
            loop.execute(flushTask);
        }
    }

    private void flushNow() {
        flushScheduled = false;
        engine.flush();
    }

    @Override
    public OpenChannels channels() {
        return channels;
    }

    @Override
    public boolean isShuttingDown() {
        return closed || loop.isShuttingDown();
    }

    @Override
    public FileDescriptor fd() {
        return fd;
    }

    /** The eventfd is readable: completions arrived. Runs on the loop thread. */
    @Override
    public void handle(IoRegistration registration, IoEvent ioEvent) {
        try {
            eventFd.read();
            engine.reap();
            engine.flush();
        } catch (Throwable t) {
            logger.warn("Unexpected exception while reaping AIO completions on {}", loop, t);
        }
    }

    /** Netty closes the handle when the loop shuts down: finish what the kernel has, close the files. */
    @Override
    public void close() {
        closeDriver();
    }

    private void closeDriver() {
        if (closed) {
            return;
        }
        closed = true;
        DRIVERS.remove(loop, this);
        try {
            channels.closeAll(engine);
        } finally {
            release();
        }
    }

    private void discard() {
        engine.close();
        release();
    }

    private void release() {
        try {
            eventFd.close();
        } catch (NativeIoException e) {
            logger.debug("Cannot close the AIO eventfd", e);
        }
    }
}
