package io.nettyaio.channel;

import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
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
final class EpollLoopDriver extends NettyLoopDriver {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(EpollLoopDriver.class);
    private static final Map<IoEventLoop, EpollLoopDriver> DRIVERS = new ConcurrentHashMap<>();

    private final EventFd eventFd;
    private final Runnable flushTask = this::flushNow;
    private boolean flushScheduled;

    private EpollLoopDriver(IoEventLoop loop, IoEngine engine, EventFd eventFd) {
        super(loop, engine, DRIVERS);
        this.eventFd = eventFd;
    }

    /** @return the driver of {@code executor} when it is an epoll IoEventLoop, else {@code null} */
    static LoopDriver forExecutor(EventExecutor executor) {
        if (!(executor instanceof IoEventLoop) || !((IoEventLoop) executor).isCompatible(EpollIoHandle.class)) {
            return null;
        }
        return attach(DRIVERS, (IoEventLoop) executor, EpollLoopDriver::open);
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

    @Override
    void register() {
        loop.register(new EventFdHandle()).addListener((Future<IoRegistration> f) -> {
            if (f.isSuccess()) {
                f.getNow().submit(EpollIoOps.EPOLLIN);
            } else {
                if (loop.isShuttingDown()) {
                    // expected while the loop closes: its requests fail as closed
                    logger.debug("Cannot register the AIO eventfd on {}: it is shutting down", loop, f.cause());
                } else {
                    logger.warn("Cannot register the AIO eventfd on {}", loop, f.cause());
                }
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
        super.releaseResources();
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
