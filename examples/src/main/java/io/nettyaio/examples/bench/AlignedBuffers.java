package io.nettyaio.examples.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.concurrent.ThreadLocalRandom;

/** Direct {@link ByteBuf}s whose memory address is aligned, as O_DIRECT requires. */
final class AlignedBuffers {
    private AlignedBuffers() { }

    /**
     * Allocates {@code size} bytes at an address that is a multiple of {@code align}, filled with random bytes. The
     * result is a slice of a larger direct buffer: releasing it frees the whole allocation.
     *
     * @param size  bytes
     * @param align a power of two
     * @return a buffer with capacity and max capacity {@code size}, reader and writer index 0
     */
    static ByteBuf allocate(int size, int align) {
        if (align <= 0 || Integer.bitCount(align) != 1) {
            throw new IllegalArgumentException("align: " + align + " (expected: a power of two)");
        }
        ByteBuf raw = Unpooled.directBuffer(size + align - 1);
        long misalignment;
        if (raw.hasMemoryAddress()) {
            misalignment = raw.memoryAddress() & (align - 1);
        } else {
            // No Unsafe: the NIO view knows its address's alignment even though we cannot see the address.
            misalignment = raw.nioBuffer(0, raw.capacity()).alignmentOffset(0, align);
        }
        int offset = (int) ((align - misalignment) & (align - 1));
        ByteBuf buf = raw.slice(offset, size);
        byte[] random = new byte[size];
        ThreadLocalRandom.current().nextBytes(random);
        buf.setBytes(0, random);
        return buf.clear();
    }
}
