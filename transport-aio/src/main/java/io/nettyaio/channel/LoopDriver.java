package io.nettyaio.channel;

import io.netty.util.concurrent.EventExecutor;

import java.nio.channels.ClosedChannelException;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs an {@link IoEngine} on one loop, and owns everything of that loop's: the engine, the kernel resources it was
 * opened with (eventfd, context), the files open on it, the hop of requests from other threads, and the order things
 * are closed in. Two kinds: {@link AioLoopDriver} inside our own {@link AioEventLoop}, and {@link EpollLoopDriver} on
 * a Netty 4.2 epoll loop.
 *
 * <p>The hop: a request made on another thread goes into a queue of this driver's, and one drain task per batch
 * hands the queue to the engine on the loop. When the loop has gone away, whoever sees that fails what the queue
 * holds; each request is taken from the queue exactly once, so none is lost or finished twice.
 */
abstract class LoopDriver {
    private final EventExecutor loop;
    private final IoEngine engine;
    private final OpenFiles files = new OpenFiles();
    /** Requests from other threads, waiting for the drain task (a queue that more than one thread may drain). */
    private final Queue<IoRequest> incoming = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drainTask = this::drainIncoming;
    private final AtomicBoolean closed = new AtomicBoolean();

    LoopDriver(EventExecutor loop, IoEngine engine) {
        this.loop = loop;
        this.engine = engine;
    }

    /** @return the loop whose thread runs the engine */
    final EventExecutor loop() {
        return loop;
    }

    /** @return the engine; touch it only on {@link #loop()}'s thread (its metrics: any thread) */
    final IoEngine engine() {
        return engine;
    }

    final OpenFiles files() {
        return files;
    }

    /** @return whether the driver is closing or its loop shutting down: no new files */
    final boolean isShuttingDown() {
        return closed.get() || loop.isShuttingDown();
    }

    /** Hands {@code r} to the engine on the loop; any thread. It is finished exactly once, whatever happens. */
    final void submit(IoRequest r) {
        if (loop.inEventLoop()) {
            engine.submit(r);
            requestsAdded();
            return;
        }
        incoming.offer(r);
        if (drainScheduled.compareAndSet(false, true)) {
            try {
                loop.execute(drainTask);
            } catch (RejectedExecutionException e) {
                drainScheduled.set(false); // the loop is going away: close() fails the queue, or we do below
            }
        }
        // Read after the offer: either close() sees our request in the queue, or we see that it ran
        if (closed.get()) {
            failIncoming();
        }
    }

    private void drainIncoming() {
        drainScheduled.set(false);
        IoRequest r;
        while ((r = incoming.poll()) != null) {
            engine.submit(r);
        }
        requestsAdded();
    }

    private void failIncoming() {
        IoRequest r;
        while ((r = incoming.poll()) != null) {
            r.fail(new ClosedChannelException());
        }
    }

    /** Requests were given to the engine during this loop turn; make sure they are flushed. Loop thread. */
    void requestsAdded() {
    }

    /** On the loop: fails {@code file}'s waiting requests, then closes it once its started ones are finished. */
    final void closeWhenIdle(FileState file) {
        try {
            loop.execute(() -> {
                engine.failWaiting(file);
                file.closeWhenIdle();
            });
        } catch (RejectedExecutionException e) {
            file.finishClose(); // the loop is gone, and with it every request of this file
        }
    }

    /**
     * The loop is going away: close the engine (what the kernel has finishes and is delivered), fail what never
     * reached it, then, once the kernel holds none of their requests, close the files and free the resources. On the
     * loop thread, or once it has terminated. Idempotent.
     */
    final void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            engine.close();
        } finally {
            failIncoming();
            engine.afterKernelIdle(this::closeFilesAndRelease);
        }
    }

    private void closeFilesAndRelease() {
        try {
            files.closeAll();
        } finally {
            releaseResources();
        }
    }

    /** Frees what the subclass opened besides the engine (the eventfd). Called once, by {@link #close()}. */
    abstract void releaseResources();
}
