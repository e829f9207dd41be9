package io.nettyaio.examples.recipes;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Direct buffers that count themselves: how many were allocated, and a permit for each one freed. */
final class TrackingAllocator extends AbstractByteBufAllocator {
    final AtomicInteger allocated = new AtomicInteger();
    private final Semaphore freed = new Semaphore(0);

    TrackingAllocator() {
        super(true);
    }

    @Override
    public boolean isDirectBufferPooled() {
        return false;
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
        return new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity);
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
        allocated.incrementAndGet();
        return new Tracked(this, initialCapacity, maxCapacity);
    }

    /** Waits until every buffer allocated so far has been freed. */
    void awaitAllFreed() throws InterruptedException {
        int n = allocated.get();
        assertTrue(freed.tryAcquire(n, 30, TimeUnit.SECONDS), "freed fewer than the " + n + " allocated");
        freed.release(n);
    }

    private final class Tracked extends UnpooledDirectByteBuf {
        Tracked(ByteBufAllocator alloc, int initialCapacity, int maxCapacity) {
            super(alloc, initialCapacity, maxCapacity);
        }

        @Override
        protected void deallocate() {
            super.deallocate();
            freed.release();
        }
    }
}
