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
import io.nettyaio.linux.LinuxAio;
import io.nettyaio.linux.NativeIoException;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs a {@link LinuxAioEngine} on a Netty 4.2 epoll {@link IoEventLoop}: the engine's eventfd is registered on the
 * loop as an {@link EpollIoHandle} (level-triggered EPOLLIN), so completions are reaped, and promises completed, on
 * that loop's own thread. Requests given to the engine during a loop turn are submitted together by one flush task
 * queued for the end of the turn.
 *
 * <p>One driver per loop, created with the first file opened on it; it closes with the loop, letting submitted
 * requests finish first. Only {@link LoopDrivers} refers to this class, after checking the epoll classes are there.
 *
 * <p>When the AIO context cannot be had for a while ({@code fs.aio-max-nr} used up), the driver runs a
 * {@link RecoveringEngine}: requests go to blocking threads, and the engine tries Linux AIO again on the flushes of
 * later loop turns. The eventfd is registered from the start, so the switch needs nothing of the driver.
 */
final class EpollLoopDriver extends LoopDriver {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(EpollLoopDriver.class);
    private static final Map<IoEventLoop, EpollLoopDriver> DRIVERS = new ConcurrentHashMap<>();

    private final IoEventLoop loop;
    private final EventFd eventFd;
    private final Runnable flushTask = this::flushNow;
    private boolean flushScheduled;

    private EpollLoopDriver(IoEventLoop loop, IoEngine engine, EventFd eventFd) {
        super(loop, engine);
        this.loop = loop;
        this.eventFd = eventFd;
    }

    /** @return the driver of {@code executor} when it is an epoll IoEventLoop, else {@code null} */
    static LoopDriver forExecutor(EventExecutor executor) {
        if (!(executor instanceof IoEventLoop) || !((IoEventLoop) executor).isCompatible(EpollIoHandle.class)) {
            return null;
        }
        IoEventLoop loop = (IoEventLoop) executor;
        EpollLoopDriver driver = DRIVERS.get(loop);
        if (driver != null && !driver.isShuttingDown()) {
            return driver;
        }
        EpollLoopDriver created = open(loop);
        driver = DRIVERS.compute(loop, (k, old) -> old == null || old.isShuttingDown() ? created : old);
        if (driver == created) {
            created.start();
        } else {
            created.close(); // another thread attached first; nothing was registered
        }
        return driver;
    }

    private static EpollLoopDriver open(IoEventLoop loop) {
        EventFd eventFd = null;
        boolean success = false;
        try {
            eventFd = EventFd.open();
            EventFd fd = eventFd;
            int capacity = AioEventLoopGroup.DEFAULT_QUEUE_DEPTH;
            BlockingIoExecutor blocking = BlockingIoExecutor.shared();
            AioMetrics metrics = new AioMetrics(LinuxAioEngine.NAME);
            IoEngine engine;
            try {
                engine = LinuxAioEngine.open(loop, capacity, fd, blocking, metrics);
            } catch (NativeIoException e) {
                if (!LinuxAio.isTransient(e)) {
                    throw e;
                }
                engine = new RecoveringEngine(new BlockingEngine(loop, blocking, metrics, true), metrics,
                        () -> LinuxAioEngine.open(loop, capacity, fd, blocking, metrics), e);
            }
            EpollLoopDriver driver = new EpollLoopDriver(loop, engine, eventFd);
            success = true;
            return driver;
        } catch (NativeIoException e) {
            throw new IllegalStateException("cannot attach AIO to " + loop + ": " + e.getMessage(), e);
        } finally {
            if (!success && eventFd != null) {
                EventFdDoorbell.closeQuietly(eventFd);
            }
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
                ((SingleThreadEventExecutor) loop).addShutdownHook(this::close);
            } catch (RejectedExecutionException ignore) {
                // already terminated: the termination listener below closes the driver
            }
        }
        loop.terminationFuture().addListener(f -> close());
        loop.register(new EventFdHandle()).addListener((Future<IoRegistration> f) -> {
            if (f.isSuccess()) {
                f.getNow().submit(EpollIoOps.EPOLLIN);
            } else {
                logger.warn("Cannot register the AIO eventfd on {}", loop, f.cause());
                close();
            }
        });
    }

    @Override
    void requestsAdded() {
        if (!flushScheduled) {
            flushScheduled = true;
            try {
                loop.execute(flushTask);
            } catch (RejectedExecutionException e) {
                flushNow(); // the loop takes no more tasks: submit now rather than never
            }
        }
    }

    private void flushNow() {
        flushScheduled = false;
        engine().flush();
    }

    @Override
    void releaseResources() {
        DRIVERS.remove(loop, this);
        EventFdDoorbell.closeQuietly(eventFd);
    }

    /** The engine's eventfd as seen by the epoll loop: readable means completions arrived. */
    private final class EventFdHandle implements EpollIoHandle {
        private final FileDescriptor fd = new FileDescriptor(eventFd.fd());

        @Override
        public FileDescriptor fd() {
            return fd;
        }

        @Override
        public void handle(IoRegistration registration, IoEvent ioEvent) {
            try {
                eventFd.read();
                engine().reap();
                engine().flush();
            } catch (Throwable t) {
                logger.warn("Unexpected exception while reaping AIO completions on {}", loop, t);
            }
        }

        /** Netty closes the handle when the loop shuts down: finish what the kernel has, close the files. */
        @Override
        public void close() {
            EpollLoopDriver.this.close();
        }
    }
}
