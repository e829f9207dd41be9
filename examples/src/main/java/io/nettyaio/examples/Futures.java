package io.nettyaio.examples;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.PromiseNotifier;

/**
 * The two chaining operations Netty 4's {@link Future} lacks. A failure (or cancellation) of a step skips every
 * later step and completes the end of the chain with the same cause.
 */
final class Futures {
    /** A step producing its result at once. */
    @FunctionalInterface
    interface Step<T, R> {
        R apply(T value) throws Exception;
    }

    /** A step producing its result later. */
    @FunctionalInterface
    interface AsyncStep<T, R> {
        Future<R> apply(T value) throws Exception;
    }

    private Futures() { }

    /**
     * @param future the previous step
     * @param executor where {@code step} runs and the result completes
     * @param step what to do with the previous step's value
     * @return completes with {@code step}'s result, or with the first failure
     */
    static <T, R> Future<R> map(Future<T> future, EventExecutor executor, Step<? super T, ? extends R> step) {
        return flatMap(future, executor, value -> executor.newSucceededFuture(step.apply(value)));
    }

    /**
     * @param future the previous step
     * @param executor where {@code step} runs and the result completes
     * @param step what to start with the previous step's value
     * @return completes like the future {@code step} returns, or with the first failure
     */
    static <T, R> Future<R> flatMap(Future<T> future, EventExecutor executor, AsyncStep<? super T, R> step) {
        Promise<R> result = executor.newPromise();
        future.addListener(done -> {
            if (!done.isSuccess()) {
                result.tryFailure(done.cause());
                return;
            }
            executor.execute(() -> {
                try {
                    PromiseNotifier.cascade(step.apply(future.getNow()), result);
                } catch (Throwable t) {
                    result.tryFailure(t);
                }
            });
        });
        return result;
    }
}
