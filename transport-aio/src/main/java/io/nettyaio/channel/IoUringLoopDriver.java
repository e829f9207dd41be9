package io.nettyaio.channel;

import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.uring.IoUringIoHandle;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
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
final class IoUringLoopDriver extends NettyLoopDriver {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(IoUringLoopDriver.class);
    private static final Map<IoEventLoop, IoUringLoopDriver> DRIVERS = new ConcurrentHashMap<>();

    private final IoUringEngine engine;
    private final IoUringFileHandle handle;

    private IoUringLoopDriver(IoEventLoop loop, IoUringEngine engine, IoUringFileHandle handle) {
        super(loop, engine, DRIVERS);
        this.engine = engine;
        this.handle = handle;
    }

    /** @return the driver of {@code executor} when it is an io_uring IoEventLoop, else {@code null} */
    static LoopDriver forExecutor(EventExecutor executor) {
        if (!(executor instanceof IoEventLoop) || !((IoEventLoop) executor).isCompatible(IoUringIoHandle.class)) {
            return null;
        }
        return attach(DRIVERS, (IoEventLoop) executor, IoUringLoopDriver::open);
    }

    private static IoUringLoopDriver open(IoEventLoop loop) {
        IoUringLoopDriver[] self = new IoUringLoopDriver[1];
        IoUringFileHandle handle = new IoUringFileHandle(() -> self[0].close());
        IoUringEngine engine = new IoUringEngine(loop, IoUringEngine.slotsFor(AioEventLoopGroup.DEFAULT_QUEUE_DEPTH),
                new NettyRing(loop, handle), AioIoUring.ftruncateSupported(),
                BlockingIoExecutor.shared());
        handle.engine(engine);
        self[0] = new IoUringLoopDriver(loop, engine, handle);
        return self[0];
    }

    @Override
    void register() {
        loop.register(handle).addListener((Future<IoRegistration> f) -> {
            if (f.isSuccess()) {
                handle.registered(f.getNow());
            } else {
                if (loop.isShuttingDown()) {
                    // The requests fail, closed: nothing to warn about
                    logger.debug("Cannot register the io_uring file engine on {}: it is shutting down", loop,
                            f.cause());
                } else {
                    logger.warn("Cannot register the io_uring file engine on {}", loop, f.cause());
                }
                close();
            }
        });
    }

    /** The ring is gone: what it never completed is settled now. */
    @Override
    void loopTerminated() {
        engine.abandonInFlight();
    }

    @Override
    void releaseResources() {
        super.releaseResources();
        handle.cancel();
    }

    /** Netty's ring, driven by Netty's loop. */
    private static final class NettyRing implements IoUringRing {
        private final IoEventLoop loop;
        private final IoUringFileHandle handle;

        NettyRing(IoEventLoop loop, IoUringFileHandle handle) {
            this.loop = loop;
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

        /** A task: Netty's loop runs its tasks after the run of the ring that handles completions. */
        @Override
        public void afterRun(Runnable action) {
            try {
                loop.execute(action);
            } catch (RejectedExecutionException e) {
                action.run(); // the loop is shutting down: Netty still submits while it drains the ring
            }
        }

        @Override
        public void submitNow() {
            // Netty's loop submits after its tasks
        }

        @Override
        public boolean isDrivenByEngine() {
            return false;
        }
    }
}
