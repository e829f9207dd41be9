package io.nettyaio.examples.bench;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The closed loop's bookkeeping, shared by every slot of one run: whether slots should keep re-issuing, how many are
 * still in flight, and the first failure. A slot {@link #land() lands} once, when it stops re-issuing.
 */
final class Flight {
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final CountDownLatch landed = new CountDownLatch(1);
    private volatile boolean stopping;

    /** Counts {@code slots} as in flight; call once, before the first request is issued. */
    void launch(int slots) {
        if (slots <= 0 || !inFlight.compareAndSet(0, slots)) {
            throw new IllegalStateException("launch(" + slots + ") called twice or with nothing to launch");
        }
    }

    /** Tells a slot whether to issue its next request. */
    boolean proceed() {
        return !stopping && failure.get() == null;
    }

    /** A slot stopped issuing; the last one to land releases {@link #awaitLanded}. */
    void land() {
        if (inFlight.decrementAndGet() == 0) {
            landed.countDown();
        }
    }

    /** Records the first failure; every slot then lands at its next completion. */
    void fail(Throwable cause) {
        failure.compareAndSet(null, cause);
    }

    /** Asks every slot to land at its next completion. */
    void stop() {
        stopping = true;
    }

    boolean awaitLanded(long timeout, TimeUnit unit) throws InterruptedException {
        return landed.await(timeout, unit);
    }

    int inFlight() {
        return inFlight.get();
    }

    Throwable failure() {
        return failure.get();
    }
}
