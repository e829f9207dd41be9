package io.nettyaio.linux;

import java.nio.ByteBuffer;

import static io.nettyaio.linux.AioAbi.*;

/**
 * A fixed array of {@code struct io_event} in off-heap memory (layout in {@link AioAbi}), filled by
 * {@link AioContext#getEvents}. Not thread-safe. Free with {@link #free()}.
 */
public final class IoEventArray {
    private final NativeMemory memory;
    private final ByteBuffer buf;
    private final int capacity;

    /**
     * @param capacity number of events, at least 1
     */
    public IoEventArray(int capacity) {
        if (capacity < 1 || capacity > (1 << 24)) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: 1.." + (1 << 24) + ")");
        }
        this.capacity = capacity;
        this.memory = NativeMemory.allocate((long) capacity * IO_EVENT_SIZE, 64);
        this.buf = memory.buffer();
    }

    /** @return number of events the array holds */
    public int capacity() {
        return capacity;
    }

    /** @return the address of the first event */
    public long address() {
        return memory.address();
    }

    /**
     * @param i the event index
     * @return event {@code i}'s {@code data}: the iocb's {@code aio_data}
     */
    public long data(int i) {
        return buf.getLong(index(i) + IO_EVENT_DATA);
    }

    /**
     * @param i the event index
     * @return event {@code i}'s {@code obj}: the iocb's address
     */
    public long obj(int i) {
        return buf.getLong(index(i) + IO_EVENT_OBJ);
    }

    /**
     * @param i the event index
     * @return event {@code i}'s {@code res}: bytes transferred, or {@code -errno}
     */
    public long res(int i) {
        return buf.getLong(index(i) + IO_EVENT_RES);
    }

    /**
     * @param i the event index
     * @return event {@code i}'s {@code res2}
     */
    public long res2(int i) {
        return buf.getLong(index(i) + IO_EVENT_RES2);
    }

    private int index(int i) {
        if (i < 0 || i >= capacity) {
            throw new IndexOutOfBoundsException("event: " + i + " (expected: 0.." + (capacity - 1) + ")");
        }
        return i * IO_EVENT_SIZE;
    }

    /** Frees the memory. Idempotent. */
    public void free() {
        memory.free();
    }
}
