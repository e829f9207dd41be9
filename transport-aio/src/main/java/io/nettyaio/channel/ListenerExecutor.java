package io.nettyaio.channel;

import io.netty.util.concurrent.AbstractEventExecutor;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The executor of the promises {@link AioFileChannel} creates: listeners run on the user's executor, as long as it
 * runs; once it has terminated (so it rejects the notification, which Netty would drop after logging it), they run
 * at once on the thread that completes the promise. Every listener is called exactly once either way. Everything
 * else is the user's executor's.
 */
final class ListenerExecutor extends AbstractEventExecutor {
    private final EventExecutor executor;

    ListenerExecutor(EventExecutor executor) {
        super(executor.parent());
        this.executor = executor;
    }

    /**
     * {@link ImmediateEventExecutor} never rejects, and its own promises allow waiting on any thread (every thread is
     * its "event loop"): keep them.
     */
    @Override
    public <V> Promise<V> newPromise() {
        return executor instanceof ImmediateEventExecutor ? executor.newPromise() : super.newPromise();
    }

    @Override
    public void execute(Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            task.run();
        }
    }

    @Override
    public boolean inEventLoop(Thread thread) {
        return executor.inEventLoop(thread);
    }

    @Override
    public boolean isShuttingDown() {
        return executor.isShuttingDown();
    }

    @Override
    public Future<?> shutdownGracefully(long quietPeriod, long timeout, TimeUnit unit) {
        return executor.shutdownGracefully(quietPeriod, timeout, unit);
    }

    @Override
    public Future<?> terminationFuture() {
        return executor.terminationFuture();
    }

    @Override
    @Deprecated
    public void shutdown() {
        executor.shutdown();
    }

    @Override
    public boolean isShutdown() {
        return executor.isShutdown();
    }

    @Override
    public boolean isTerminated() {
        return executor.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return executor.awaitTermination(timeout, unit);
    }

    @Override
    public EventExecutorGroup parent() {
        return executor.parent();
    }
}
