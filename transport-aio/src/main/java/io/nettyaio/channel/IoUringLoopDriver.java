package io.nettyaio.channel;

import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.uring.IoUringIoHandle;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs an {@link IoUringEngine} on a Netty 4.2 io_uring {@link IoEventLoop}: file requests become SQEs on the
 * server's own ring, and their completions, and the promises' listeners, run on that loop's thread. Netty submits
 * the SQEs of a loop turn together and drives the ring; this driver only registers an {@link IoUringFileHandle}.
 *
 * <p>One driver per loop, created with the first file opened on it. When the loop shuts down, Netty drains the ring
 * before it closes it, so requests in flight complete with their real outcome; one still in the ring when Netty
 * gives up (after its bounded drain) fails, its buffer left retained (the kernel may still use it). Only
 * {@link LoopDrivers} refers to this class, after checking the io_uring classes are there.
 */
final class IoUringLoopDriver extends LoopDriver {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(IoUringLoopDriver.class);
    private static final Map<IoEventLoop, IoUringLoopDriver> DRIVERS = new ConcurrentHashMap<>();

    private final IoEventLoop loop;
    private final IoUringEngine engine;
    private final IoUringFileHandle handle;

    private IoUringLoopDriver(IoEventLoop loop, IoUringEngine engine, IoUringFileHandle handle) {
        super(loop, engine);
        this.loop = loop;
        this.engine = engine;
        this.handle = handle;
    }

    /** @return the driver of {@code executor} when it is an io_uring IoEventLoop, else {@code null} */
    static LoopDriver forExecutor(EventExecutor executor) {
        if (!(executor instanceof IoEventLoop) || !((IoEventLoop) executor).isCompatible(IoUringIoHandle.class)) {
            return null;
        }
        IoEventLoop loop = (IoEventLoop) executor;
        IoUringLoopDriver driver = DRIVERS.get(loop);
        if (driver != null && !driver.isShuttingDown()) {
            return driver;
        }
        IoUringLoopDriver created = open(loop);
        driver = DRIVERS.compute(loop, (k, old) -> old == null || old.isShuttingDown() ? created : old);
        if (driver == created) {
            created.start();
        } else {
            created.close(); // another thread attached first; nothing was registered
        }
        return driver;
    }

    private static IoUringLoopDriver open(IoEventLoop loop) {
        IoUringLoopDriver[] self = new IoUringLoopDriver[1];
        IoUringFileHandle handle = new IoUringFileHandle(() -> self[0].close());
        IoUringEngine engine = new IoUringEngine(loop, Math.min(AioEventLoopGroup.DEFAULT_QUEUE_DEPTH,
                IoUringEngine.MAX_SLOTS), new NettyRing(handle), AioIoUring.ftruncateSupported(),
                BlockingIoExecutor.shared());
        handle.engine(engine);
        self[0] = new IoUringLoopDriver(loop, engine, handle);
        return self[0];
    }

    private void start() {
        // As on epoll loops: a shutdown hook closes the driver on the loop thread before it terminates, should Netty
        // miss the handle; the termination listener settles what the torn-down ring will never complete.
        if (loop instanceof SingleThreadEventExecutor) {
            try {
                ((SingleThreadEventExecutor) loop).addShutdownHook(this::close);
            } catch (RejectedExecutionException ignore) {
                // already terminated: the termination listener below closes the driver
            }
        }
        loop.terminationFuture().addListener(f -> {
            close();
            engine.abandonInFlight();
        });
        loop.register(handle).addListener((Future<IoRegistration> f) -> {
            if (f.isSuccess()) {
                handle.registered(f.getNow());
            } else {
                logger.warn("Cannot register the io_uring file engine on {}", loop, f.cause());
                close();
            }
        });
    }

    @Override
    void releaseResources() {
        DRIVERS.remove(loop, this);
        handle.cancel();
    }

    /** Netty's ring, driven by Netty's loop. */
    private static final class NettyRing implements IoUringRing {
        private final IoUringFileHandle handle;

        NettyRing(IoUringFileHandle handle) {
            this.handle = handle;
        }

        @Override
        public long submit(byte opcode, int fd, long offset, long address, int length, int opFlags, short ioPrio,
                           short data) {
            return handle.submit(opcode, fd, offset, address, length, opFlags, ioPrio, data);
        }

        @Override
        public void run(long waitNanos) {
            // Netty's loop submits and reaps every turn
        }

        @Override
        public boolean isDrivenByEngine() {
            return false;
        }
    }
}
