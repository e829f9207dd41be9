package io.nettyaio.linux;

import java.nio.ByteBuffer;

import static io.nettyaio.linux.AioAbi.IOVEC_SIZE;
import static io.nettyaio.linux.AioAbi.MAX_IOV;

/**
 * A fixed array of {@code struct iovec} in off-heap memory, for PREADV/PWRITEV. Not thread-safe; the kernel reads
 * it when the request is submitted (the iovec array is copied at io_submit), but keep it unchanged until then.
 * Free with {@link #free()}.
 */
public final class IovecArray {
    private final NativeMemory memory;
    private final ByteBuffer buf;
    private final int capacity;

    /**
     * @param capacity number of segments, 1 to {@link AioAbi#MAX_IOV}
     */
    public IovecArray(int capacity) {
        if (capacity < 1 || capacity > MAX_IOV) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: 1.." + MAX_IOV + ")");
        }
        this.capacity = capacity;
        this.memory = NativeMemory.allocate((long) capacity * IOVEC_SIZE, 16);
        this.buf = memory.buffer();
    }

    /** @return the number of segments it can hold */
    public int capacity() {
        return capacity;
    }

    /** @return the address of segment 0 (for {@code preparePreadv}/{@code preparePwritev}) */
    public long address() {
        return memory.address();
    }

    /**
     * Sets segment {@code i} to {@code length} bytes at {@code address}.
     *
     * @param i the segment index
     * @param address the segment's memory address
     * @param length the segment's length in bytes
     */
    public void set(int i, long address, long length) {
        if (i < 0 || i >= capacity) {
            throw new IndexOutOfBoundsException("segment: " + i + " (expected: 0.." + (capacity - 1) + ")");
        }
        buf.putLong(i * IOVEC_SIZE, address);
        buf.putLong(i * IOVEC_SIZE + 8, length);
    }

    /**
     * @param i the segment index
     * @return segment {@code i}'s base address
     */
    public long base(int i) {
        return buf.getLong(i * IOVEC_SIZE);
    }

    /**
     * @param i the segment index
     * @return segment {@code i}'s length
     */
    public long length(int i) {
        return buf.getLong(i * IOVEC_SIZE + 8);
    }

    /** Frees the memory. Idempotent. */
    public void free() {
        memory.free();
    }
}
