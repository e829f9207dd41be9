package io.nettyaio.linux;

import com.kenai.jffi.MemoryIO;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A block of off-heap memory from {@code aligned_alloc}, zero-filled, freed explicitly by {@link #free()} and never
 * by the garbage collector. Accessed through a little-endian {@link ByteBuffer} view (created once through JNI's
 * {@code NewDirectByteBuffer}), so nothing here needs {@code sun.misc.Unsafe}: it works where Netty disables it
 * (JDK 25).
 *
 * <p>Not thread-safe: an instance belongs to one owner, which must not use it after {@link #free()}. The view
 * has no cleaner; it becomes invalid once the block is freed.
 */
public final class NativeMemory {
    private final long address;
    private final int size;
    private final ByteBuffer buffer;
    private boolean freed;

    private NativeMemory(long address, int size) {
        this.address = address;
        this.size = size;
        this.buffer = MemoryIO.getInstance().newDirectByteBuffer(address, size).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Allocates a zero-filled block.
     *
     * @param size bytes, at least 1 and at most {@link Integer#MAX_VALUE}
     * @param alignment a power of two, at least 8
     * @return the block; the caller owns it and must {@link #free()} it
     * @throws IllegalArgumentException when size or alignment is out of range
     * @throws OutOfMemoryError when the C allocator fails
     */
    public static NativeMemory allocate(long size, int alignment) {
        if (size < 1 || size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("size: " + size + " (expected: 1.." + Integer.MAX_VALUE + ")");
        }
        if (alignment < 8 || Integer.bitCount(alignment) != 1) {
            throw new IllegalArgumentException("alignment: " + alignment + " (expected: a power of two >= 8)");
        }
        NativeLoader.ensureLoaded();
        long address = Native.alignedAlloc(alignment, size);
        NativeMemory memory;
        try {
            memory = new NativeMemory(address, (int) size);
        } catch (Throwable t) {
            Native.free(address);
            throw t;
        }
        memory.zero(0, (int) size);
        NativeResources.MEMORY_BYTES.addAndGet(size);
        NativeResources.MEMORY_BLOCKS.incrementAndGet();
        return memory;
    }

    /** @return the native address of the first byte */
    public long address() {
        return address;
    }

    /** @return the size in bytes */
    public int size() {
        return size;
    }

    /**
     * The little-endian view of the whole block (absolute get/put only; position and limit are not used by this
     * module). Invalid after {@link #free()}.
     *
     * @return the view
     */
    public ByteBuffer buffer() {
        return buffer;
    }

    /**
     * Zero-fills {@code [offset, offset+length)}.
     *
     * @param offset first byte
     * @param length bytes to clear
     */
    public void zero(int offset, int length) {
        int end = offset + length;
        int i = offset;
        for (; i + 8 <= end; i += 8) {
            buffer.putLong(i, 0L);
        }
        for (; i < end; i++) {
            buffer.put(i, (byte) 0);
        }
    }

    /** @return whether {@link #free()} was called */
    public boolean isFreed() {
        return freed;
    }

    /** Frees the block. Idempotent. */
    public void free() {
        if (!freed) {
            freed = true;
            Native.free(address);
            NativeResources.MEMORY_BYTES.addAndGet(-size);
            NativeResources.MEMORY_BLOCKS.decrementAndGet();
        }
    }
}
