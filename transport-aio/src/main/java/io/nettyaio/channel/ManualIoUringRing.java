package io.nettyaio.channel;

import io.netty.channel.IoRegistration;
import io.netty.channel.ManualIoEventLoop;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.util.concurrent.Future;

import java.util.concurrent.TimeUnit;

/**
 * The io_uring engine inside our own {@link AioEventLoop}: a Netty io_uring ring on a {@link ManualIoEventLoop}
 * that the loop's thread drives itself. It is the loop's {@link Doorbell} (the loop sleeps in
 * {@code io_uring_enter}, woken by completions or by Netty's eventfd) and the engine's {@link IoUringRing}.
 * Only {@link AioLoopDriver} refers to this class, after the engine choice said io_uring.
 */
final class ManualIoUringRing implements Doorbell, IoUringRing {
    private final ManualIoEventLoop ring;
    private final IoUringFileHandle handle;
    /** What {@link #afterRun} asked for, run when the current run of the ring returns. */
    private Runnable pendingAfterRun;

    private ManualIoUringRing(IoUringFileHandle handle) {
        this.ring = new ManualIoEventLoop(null, IoUringIoHandler.newFactory());
        this.handle = handle;
    }

    /** Creates the ring and the engine on it, for {@code loop}; on failure the ring is closed again. */
    static AioLoopDriver openDriver(AioEventLoop loop, int capacity, BlockingIoExecutor blocking) {
        IoUringFileHandle handle = new IoUringFileHandle(() -> { });
        ManualIoUringRing ring = new ManualIoUringRing(handle);
        try {
            IoUringEngine engine = new IoUringEngine(loop, IoUringEngine.slotsFor(capacity), ring,
                    AioIoUring.ftruncateSupported(), blocking);
            handle.engine(engine);
            return new AioLoopDriver(loop, engine, ring);
        } catch (Throwable t) {
            ring.destroyUnbound();
            throw t;
        }
    }

    /** Closes a ring no loop thread has bound yet, on the calling thread. */
    private void destroyUnbound() {
        ring.setOwningThread(Thread.currentThread());
        ring.shutdownGracefully(0, 0, TimeUnit.SECONDS);
        while (!ring.isTerminated()) {
            ring.runNow();
        }
    }

    @Override
    public void bind(Thread loopThread) {
        ring.setOwningThread(loopThread);
        ring.runNow(); // enables the ring on its owning thread
        Future<IoRegistration> registered = ring.register(handle); // in the ring's loop: done at once
        if (!registered.isSuccess()) {
            throw new IllegalStateException("cannot register the io_uring file engine", registered.cause());
        }
        handle.registered(registered.getNow());
    }

    @Override
    public void await(long nanos) {
        runRing(Math.max(1, nanos)); // Netty's run: 0 would wait without limit
    }

    /** One run of the ring (Netty: -1 does not wait, 0 waits without limit), then what it asked to run after it. */
    private void runRing(long nettyWaitNanos) {
        try {
            ring.run(nettyWaitNanos);
        } finally {
            Runnable action = pendingAfterRun;
            if (action != null) {
                pendingAfterRun = null;
                action.run();
            }
        }
    }

    @Override
    public void ring() {
        ring.wakeup();
    }

    @Override
    public long submit(byte opcode, int fd, long offset, long address, int length, int opFlags, short ioPrio,
                       short data) {
        return handle.submit(opcode, fd, offset, address, length, opFlags, ioPrio, data);
    }

    @Override
    public void run(long waitNanos) {
        if (ring.inEventLoop()) {
            runRing(waitNanos <= 0 ? -1 : waitNanos);
        }
    }

    @Override
    public void afterRun(Runnable action) {
        pendingAfterRun = action;
    }

    @Override
    public void submitNow() {
        if (ring.inEventLoop()) {
            ring.runNow();
        }
    }

    @Override
    public boolean isDrivenByEngine() {
        return ring.inEventLoop();
    }

    /** On the loop thread, after the engine closed: the ring drains, shuts down and closes. */
    @Override
    public void close() {
        handle.cancel();
        ring.shutdownGracefully(0, 0, TimeUnit.SECONDS);
        if (ring.inEventLoop()) {
            while (!ring.isTerminated()) {
                ring.runNow();
            }
        }
    }
}
