package io.nettyaio.channel;

import io.netty.channel.IoEventLoop;
import io.netty.util.concurrent.SingleThreadEventExecutor;

import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

/**
 * A driver that lives on a Netty 4.2 {@link IoEventLoop} (epoll or io_uring): one per loop, attached with the first
 * file opened on it, closed with the loop. Subclasses register their handle; this class keeps the one-per-loop
 * registry and makes sure the driver closes however the loop goes away. Loaded only after the transport classes
 * were found present.
 */
abstract class NettyLoopDriver extends LoopDriver {
    final IoEventLoop loop;
    private final Map<IoEventLoop, ? extends NettyLoopDriver> registry;

    NettyLoopDriver(IoEventLoop loop, IoEngine engine, Map<IoEventLoop, ? extends NettyLoopDriver> registry) {
        super(loop, engine);
        this.loop = loop;
        this.registry = registry;
    }

    /**
     * @return {@code loop}'s driver from {@code registry}, opening and starting one if it has none (or a closed one)
     */
    static <D extends NettyLoopDriver> D attach(Map<IoEventLoop, D> registry, IoEventLoop loop,
                                                Function<IoEventLoop, D> open) {
        D driver = registry.get(loop);
        if (driver != null && !driver.isShuttingDown()) {
            return driver;
        }
        D created = open.apply(loop);
        driver = registry.compute(loop, (k, old) -> old == null || old.isShuttingDown() ? created : old);
        if (driver == created) {
            created.start();
        } else {
            created.close(); // another thread attached first; nothing was registered
        }
        return driver;
    }

    final void start() {
        // Netty closes registered handles when the loop shuts down, but misses one registered after the loop's last
        // prepareToDestroy, and every one when the shutdown begins between its isShuttingDown check and
        // confirmShutdown: then requests never complete, the files stay open and kernel resources leak. A shutdown
        // hook closes the driver on the loop thread before it terminates (promise listeners still run); should the
        // loop be gone before the hook is added, the termination listener does it (nothing else runs by then).
        if (loop instanceof SingleThreadEventExecutor) {
            try {
                ((SingleThreadEventExecutor) loop).addShutdownHook(this::close);
            } catch (RejectedExecutionException ignore) {
                // already terminated: the termination listener below closes the driver
            }
        }
        loop.terminationFuture().addListener(f -> {
            close();
            loopTerminated();
        });
        register();
    }

    /** Registers the driver's handle on the loop (asynchronously); on failure, close. */
    abstract void register();

    /** The loop has terminated: nothing of it runs any more. */
    void loopTerminated() {
    }

    @Override
    void releaseResources() {
        registry.remove(loop, this);
    }
}
