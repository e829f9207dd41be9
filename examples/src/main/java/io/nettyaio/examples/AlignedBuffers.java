package io.nettyaio.examples;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Direct buffers whose memory address is a multiple of an alignment, as {@code O_DIRECT} requires: a slice of a
 * slightly larger buffer, starting at the first aligned address. Releasing the slice releases the whole buffer.
 */
final class AlignedBuffers {
    private final ByteBufAllocator alloc;
    private final int alignment;

    /**
     * @param alloc where the underlying buffers come from; its direct buffers must expose a memory address
     * @param alignment a power of two, e.g. {@link io.nettyaio.channel.AioFileChannel#alignment()}
     */
    AlignedBuffers(ByteBufAllocator alloc, int alignment) {
        if (Integer.bitCount(alignment) != 1) {
            throw new IllegalArgumentException("alignment: " + alignment + " (expected: a power of two)");
        }
        this.alloc = alloc;
        this.alignment = alignment;
    }

    /**
     * @param capacity the capacity, a multiple of the alignment
     * @return an empty buffer of exactly {@code capacity} bytes at an aligned address
     */
    ByteBuf allocate(int capacity) {
        ByteBuf whole = alloc.directBuffer(capacity + alignment - 1);
        if (!whole.hasMemoryAddress()) {
            whole.release();
            throw new UnsupportedOperationException("direct buffers without a memory address cannot be aligned");
        }
        int offset = (int) (-whole.memoryAddress() & (alignment - 1));
        return whole.slice(offset, capacity).clear();
    }

    /**
     * @param value a length or position
     * @return {@code value} rounded up to the alignment
     */
    long roundUp(long value) {
        return (value + alignment - 1) & -alignment;
    }
}
