package io.nettyaio.examples.options;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.EventExecutor;
import io.nettyaio.channel.AioCompletionHandler;
import org.HdrHistogram.Histogram;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A closed loop of {@code depth} requests on one completion loop: each slot issues its next request when the last
 * one is acknowledged, until the measured window ends. Latencies are from issue to acknowledgement, recorded for the
 * acknowledgements that fall inside the window [warm-up end, run end); the rate is their number over the window.
 * Everything but {@link #run} happens on the loop, so nothing here is synchronized.
 */
abstract class ClosedLoop implements AioCompletionHandler<ClosedLoop.Slot> {
    private static final long HIGHEST_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final EventExecutor loop;
    private final Slot[] slots;
    private final Histogram latencies = new Histogram(1, HIGHEST_NANOS, 3);
    private final CountDownLatch finished = new CountDownLatch(1);
    private long windowStart;
    private long windowEnd;
    private long windowNanos;
    private int active;
    private long acknowledgedTotal;
    private Throwable failure;
    /** Set when a subclass ran out of work before the window ended: the window is cut short there. */
    private boolean exhausted;

    /** One request in flight at a time: its buffer, and when it was issued. */
    static final class Slot {
        final int index;
        final ByteBuf buf;
        long position;
        long issuedNanos;

        Slot(int index, ByteBuf buf) {
            this.index = index;
            this.buf = buf;
        }
    }

    ClosedLoop(EventExecutor loop, ByteBuf[] buffers) {
        this.loop = loop;
        this.slots = new Slot[buffers.length];
        for (int i = 0; i < buffers.length; i++) {
            slots[i] = new Slot(i, buffers[i]);
        }
    }

    /** Issues the slot's next request; report its outcome to {@link #completed} / {@link #failed}. */
    abstract void issue(Slot slot);

    /**
     * Starts {@link #issue issuing} on the loop at {@code startNanos}: the warm-up, then the measured window.
     * Call {@link #await} for the end.
     */
    final void start(long startNanos, long warmupNanos, long windowNanos) {
        this.windowStart = startNanos + warmupNanos;
        this.windowEnd = windowStart + windowNanos;
        this.windowNanos = windowNanos;
        loop.execute(() -> {
            active = slots.length;
            for (Slot s : slots) {
                next(s);
            }
        });
    }

    /** Waits until every slot has stopped; rethrows the first failure. */
    final void await() throws Exception {
        if (!finished.await(windowEnd - System.nanoTime() + TimeUnit.SECONDS.toNanos(120), TimeUnit.NANOSECONDS)) {
            throw new IllegalStateException("requests still in flight two minutes after the run's end");
        }
        if (failure instanceof Exception) {
            throw (Exception) failure;
        }
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
    }

    /**
     * Called by a subclass from {@link #issue}, instead of issuing, when it has no more work (space ran out): ends
     * the window now, and this slot.
     */
    final void exhausted(Slot slot) {
        if (!exhausted) {
            exhausted = true;
            long now = System.nanoTime();
            windowNanos = Math.max(0, Math.min(windowEnd, now) - windowStart);
            windowEnd = Math.min(windowEnd, now);
        }
        next(slot);
    }

    private void next(Slot slot) {
        long now = System.nanoTime();
        if (failure != null || exhausted || now - windowEnd >= 0) {
            if (--active == 0) {
                finished.countDown();
            }
            return;
        }
        slot.issuedNanos = now;
        issue(slot);
    }

    /** The slot's request is acknowledged: record it if inside the window, and issue the next. */
    final void acknowledged(Slot slot) {
        long now = System.nanoTime();
        acknowledgedTotal++;
        if (now - windowStart >= 0 && now - windowEnd < 0) {
            latencies.recordValue(Math.min(Math.max(1, now - slot.issuedNanos), HIGHEST_NANOS));
        }
        next(slot);
    }

    @Override
    public void completed(int result, Slot slot) {
        acknowledged(slot);
    }

    @Override
    public void failed(Throwable cause, Slot slot) {
        if (failure == null) {
            failure = cause;
        }
        next(slot);
    }

    /** @return whether the work ran out before the window's planned end */
    final boolean wasExhausted() {
        return exhausted;
    }

    /** @return acknowledgements per second inside the window */
    final double rate() {
        return windowNanos == 0 ? 0 : latencies.getTotalCount() * 1e9 / windowNanos;
    }

    /** @return acknowledgements inside the window */
    final long count() {
        return latencies.getTotalCount();
    }

    /** @return acknowledgements in the whole run, warm-up included */
    final long acknowledgedTotal() {
        return acknowledgedTotal;
    }

    /** @return the latency at {@code percentile} (0-100) in microseconds */
    final double latencyMicros(double percentile) {
        return latencies.getValueAtPercentile(percentile) / 1000.0;
    }

    /** @return the measured window in seconds */
    final double windowSeconds() {
        return windowNanos / 1e9;
    }
}
