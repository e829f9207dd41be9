package io.nettyaio.channel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.internal.PlatformDependent;

/**
 * Aligned direct buffers for {@link AioOpenOption#DIRECT} I/O, whose memory address must be a multiple of
 * {@link AioFileChannel#alignment()}. Netty's default allocators do not align direct buffers.
 *
 * <p>Where Netty may use {@code sun.misc.Unsafe}, buffers come from a pooled allocator with
 * {@code directMemoryCacheAlignment = 4096}. Where it may not (JDK 25 by default), a pooled buffer
 * {@code alignment - 1} bytes larger is allocated and an aligned slice of it returned. Either way the result has a
 * memory address, a fixed capacity, and is released like any buffer. Thread-safe.
 */
public final class AioBuffers {
    /** The alignment the pooled aligned allocator guarantees. */
    public static final int PAGE_ALIGNMENT = 4096;
    /**
     * The largest capacity of an aligned buffer: {@link Integer#MAX_VALUE} less room to align to
     * {@value #PAGE_ALIGNMENT} (2147479552).
     */
    public static final int MAX_CAPACITY = Integer.MAX_VALUE - (PAGE_ALIGNMENT - 1);

    private static final ByteBufAllocator ALIGNED_POOL = newAlignedPool();

    private AioBuffers() { }

    private static ByteBufAllocator newAlignedPool() {
        if (!PlatformDependent.hasUnsafe()) {
            return null;
        }
        try {
            int arenas = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), 8));
            return new PooledByteBufAllocator(true, 0, arenas, 8192, 9, 256, 64, true, PAGE_ALIGNMENT);
        } catch (IllegalArgumentException e) {
            return null; // "directMemoryCacheAlignment is not supported" without Unsafe
        }
    }

    /**
     * Allocates a direct buffer whose memory address is a multiple of {@code alignment}.
     *
     * @param capacity the capacity in bytes, 0 to {@link #MAX_CAPACITY}
     * @param alignment a power of two from 1 to 4096
     * @return a buffer with reader and writer index 0; the caller owns it and must release it
     * @throws IllegalArgumentException when capacity or alignment is out of range
     */
    public static ByteBuf directBuffer(int capacity, int alignment) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: >= 0)");
        }
        if (alignment < 1 || alignment > PAGE_ALIGNMENT || Integer.bitCount(alignment) != 1) {
            throw new IllegalArgumentException("alignment: " + alignment
                    + " (expected: a power of two from 1 to " + PAGE_ALIGNMENT + ")");
        }
        // Either way the memory is rounded up for the alignment (the pool aligns to 4096 whatever is asked for, the
        // slice takes alignment - 1 bytes more): beyond this, that sum overflows an int
        if (capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: <= " + MAX_CAPACITY
                    + " for an aligned buffer)");
        }
        if (ALIGNED_POOL != null) {
            return ALIGNED_POOL.directBuffer(capacity, capacity);
        }
        int extra = alignment - 1;
        ByteBuf whole = PooledByteBufAllocator.DEFAULT.directBuffer(capacity + extra, capacity + extra);
        // Without a visible address (no Unsafe and no Java 25 cleaner path), the NIO view still knows its alignment
        long misalignment = whole.hasMemoryAddress() ? whole.memoryAddress() & (alignment - 1)
                : whole.nioBuffer(0, whole.capacity()).alignmentOffset(0, alignment);
        int offset = (int) ((alignment - misalignment) & (alignment - 1));
        return whole.slice(offset, capacity).clear();
    }

    /**
     * Allocates a direct buffer aligned for {@code channel}: its memory address is a multiple of
     * {@code channel.alignment()}.
     *
     * @param channel the channel the buffer is for
     * @param capacity the capacity in bytes; for DIRECT channels it should be a multiple of the alignment
     * @return the buffer; the caller owns it and must release it
     */
    public static ByteBuf directBuffer(AioFileChannel channel, int capacity) {
        return directBuffer(capacity, Math.max(1, channel.memoryAlignment()));
    }
}
