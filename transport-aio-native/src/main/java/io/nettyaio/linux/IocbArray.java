package io.nettyaio.linux;

import java.nio.ByteBuffer;

import static io.nettyaio.linux.AioAbi.*;

/**
 * A fixed array of {@code struct iocb} in off-heap memory (layout in {@link AioAbi}), 64-byte aligned, plus the
 * {@code iocb*} address of each slot. Slots are filled in place with the {@code prepare*} methods, which clear the
 * slot first, so a slot is reused for request after request with no allocation.
 *
 * <p>The {@code aio_data} of a prepared slot defaults to the slot index; {@link #setUserData(int, long)} overrides it.
 *
 * <p>Not thread-safe: one owner fills and submits. A slot must not be refilled while the kernel owns it (from
 * submission until its event is reaped). Free with {@link #free()}.
 */
public final class IocbArray {
    private final NativeMemory memory;
    private final ByteBuffer buf;
    private final int capacity;

    /**
     * @param capacity number of slots, at least 1
     */
    public IocbArray(int capacity) {
        if (capacity < 1 || capacity > (1 << 24)) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: 1.." + (1 << 24) + ")");
        }
        this.capacity = capacity;
        this.memory = NativeMemory.allocate((long) capacity * IOCB_SIZE, 64);
        this.buf = memory.buffer();
    }

    /** @return number of slots */
    public int capacity() {
        return capacity;
    }

    /**
     * @param slot slot index
     * @return the address of the slot's iocb (what io_submit, io_cancel and io_event.obj use)
     */
    public long address(int slot) {
        return memory.address() + (long) checkSlot(slot) * IOCB_SIZE;
    }

    /**
     * The slot whose iocb is at {@code iocbAddress}, e.g. from {@code io_event.obj}.
     *
     * @param iocbAddress an address returned by {@link #address(int)}
     * @return the slot index
     * @throws IllegalArgumentException when the address is not a slot of this array
     */
    public int slotOf(long iocbAddress) {
        long offset = iocbAddress - memory.address();
        if (offset < 0 || offset % IOCB_SIZE != 0 || offset / IOCB_SIZE >= capacity) {
            throw new IllegalArgumentException("iocbAddress: 0x" + Long.toHexString(iocbAddress)
                    + " (expected: a slot address of this array)");
        }
        return (int) (offset / IOCB_SIZE);
    }

    /**
     * Prepares a PREAD of {@code length} bytes at {@code offset} into {@code address}.
     *
     * @param slot the slot to fill
     * @param fd the file descriptor
     * @param address the buffer's memory address
     * @param length bytes to transfer
     * @param offset the file position
     */
    public void preparePread(int slot, int fd, long address, long length, long offset) {
        prepare(slot, IOCB_CMD_PREAD, fd, address, length, offset);
    }

    /**
     * Prepares a PWRITE of {@code length} bytes from {@code address} at {@code offset}.
     *
     * @param slot the slot to fill
     * @param fd the file descriptor
     * @param address the buffer's memory address
     * @param length bytes to transfer
     * @param offset the file position
     */
    public void preparePwrite(int slot, int fd, long address, long length, long offset) {
        prepare(slot, IOCB_CMD_PWRITE, fd, address, length, offset);
    }

    /**
     * Prepares a PREADV into {@code iovCount} segments of the iovec array at {@code iovAddress}.
     *
     * @param slot the slot to fill
     * @param fd the file descriptor
     * @param iovAddress the address of the iovec array
     * @param iovCount segments in the iovec array
     * @param offset the file position
     */
    public void preparePreadv(int slot, int fd, long iovAddress, int iovCount, long offset) {
        prepare(slot, IOCB_CMD_PREADV, fd, iovAddress, iovCount, offset);
    }

    /**
     * Prepares a PWRITEV from {@code iovCount} segments of the iovec array at {@code iovAddress}.
     *
     * @param slot the slot to fill
     * @param fd the file descriptor
     * @param iovAddress the address of the iovec array
     * @param iovCount segments in the iovec array
     * @param offset the file position
     */
    public void preparePwritev(int slot, int fd, long iovAddress, int iovCount, long offset) {
        prepare(slot, IOCB_CMD_PWRITEV, fd, iovAddress, iovCount, offset);
    }

    /**
     * Prepares an FSYNC (data and metadata). The kernel runs it in a worker and does not order it after other
     * in-flight requests: submit it once the writes it must cover have completed.
     *
     * @param slot the slot to fill
     * @param fd the file descriptor
     */
    public void prepareFsync(int slot, int fd) {
        prepare(slot, IOCB_CMD_FSYNC, fd, 0, 0, 0);
    }

    /**
     * Prepares an FDSYNC (data, and only the metadata needed to read it). Same ordering caveat as FSYNC.
     *
     * @param slot the slot to fill
     * @param fd the file descriptor
     */
    public void prepareFdsync(int slot, int fd) {
        prepare(slot, IOCB_CMD_FDSYNC, fd, 0, 0, 0);
    }

    /**
     * Prepares any opcode: the generic form of the other {@code prepare*} methods. Clears the slot, then sets the
     * fields; {@code aio_data} is set to the slot index.
     *
     * @param slot the slot to fill
     * @param opcode an {@code IOCB_CMD_*} value
     * @param fd the file descriptor
     * @param address the buffer's memory address
     * @param length bytes to transfer
     * @param offset the file position
     */
    public void prepare(int slot, short opcode, int fd, long address, long length, long offset) {
        int base = checkSlot(slot) * IOCB_SIZE;
        buf.putLong(base + IOCB_DATA, slot);
        buf.putLong(base + IOCB_KEY, 0L); // aio_key and aio_rw_flags
        buf.putShort(base + IOCB_OPCODE, opcode);
        buf.putShort(base + IOCB_REQPRIO, (short) 0);
        buf.putInt(base + IOCB_FILDES, fd);
        buf.putLong(base + IOCB_BUF, address);
        buf.putLong(base + IOCB_NBYTES, length);
        buf.putLong(base + IOCB_OFFSET, offset);
        buf.putLong(base + IOCB_RESERVED2, 0L);
        buf.putLong(base + IOCB_FLAGS, 0L); // aio_flags and aio_resfd
    }

    /**
     * Asks the kernel to signal {@code eventFd} when this slot's request completes ({@code IOCB_FLAG_RESFD}).
     *
     * @param slot the slot to fill
     * @param eventFd the eventfd descriptor
     */
    public void setEventFd(int slot, int eventFd) {
        int base = checkSlot(slot) * IOCB_SIZE;
        buf.putInt(base + IOCB_FLAGS, buf.getInt(base + IOCB_FLAGS) | IOCB_FLAG_RESFD);
        buf.putInt(base + IOCB_RESFD, eventFd);
    }

    /**
     * Sets an I/O priority ({@code IOCB_FLAG_IOPRIO}); see {@link AioAbi#ioprio(int, int)}.
     *
     * @param slot the slot to fill
     * @param ioprio the encoded priority
     */
    public void setPriority(int slot, short ioprio) {
        int base = checkSlot(slot) * IOCB_SIZE;
        buf.putInt(base + IOCB_FLAGS, buf.getInt(base + IOCB_FLAGS) | IOCB_FLAG_IOPRIO);
        buf.putShort(base + IOCB_REQPRIO, ioprio);
    }

    /**
     * Sets the {@code RWF_*} flags (replacing any set before). An unknown bit fails at submit with EOPNOTSUPP.
     *
     * @param slot the slot to fill
     * @param rwFlags {@code RWF_*} flags combined with {@code |}
     */
    public void setRwFlags(int slot, int rwFlags) {
        buf.putInt(checkSlot(slot) * IOCB_SIZE + IOCB_RW_FLAGS, rwFlags);
    }

    /**
     * Sets {@code aio_data}, returned in the completion's {@code io_event.data}.
     *
     * @param slot the slot to fill
     * @param data the value
     */
    public void setUserData(int slot, long data) {
        buf.putLong(checkSlot(slot) * IOCB_SIZE + IOCB_DATA, data);
    }

    /**
     * Sets the file position of a prepared slot.
     *
     * @param slot the slot to fill
     * @param offset the file position
     */
    public void setOffset(int slot, long offset) {
        buf.putLong(checkSlot(slot) * IOCB_SIZE + IOCB_OFFSET, offset);
    }

    /**
     * Sets the buffer address and byte count of a prepared PREAD/PWRITE slot.
     *
     * @param slot the slot to fill
     * @param address the buffer's memory address
     * @param length bytes to transfer
     */
    public void setBuffer(int slot, long address, long length) {
        int base = checkSlot(slot) * IOCB_SIZE;
        buf.putLong(base + IOCB_BUF, address);
        buf.putLong(base + IOCB_NBYTES, length);
    }

    /**
     * The user data of a slot ({@code aio_data}).
     *
     * @param slot the slot to read
     * @return the field's value
     */
    public long userData(int slot) {
        return buf.getLong(checkSlot(slot) * IOCB_SIZE + IOCB_DATA);
    }

    /**
     * The opcode of a slot ({@code aio_lio_opcode}).
     *
     * @param slot the slot to read
     * @return the field's value
     */
    public short opcode(int slot) {
        return buf.getShort(checkSlot(slot) * IOCB_SIZE + IOCB_OPCODE);
    }

    /**
     * The file descriptor of a slot ({@code aio_fildes}).
     *
     * @param slot the slot to read
     * @return the field's value
     */
    public int fd(int slot) {
        return buf.getInt(checkSlot(slot) * IOCB_SIZE + IOCB_FILDES);
    }

    /**
     * The buffer (or iovec array) address of a slot ({@code aio_buf}).
     *
     * @param slot the slot to read
     * @return the field's value
     */
    public long bufferAddress(int slot) {
        return buf.getLong(checkSlot(slot) * IOCB_SIZE + IOCB_BUF);
    }

    /**
     * The byte (or iovec) count of a slot ({@code aio_nbytes}).
     *
     * @param slot the slot to read
     * @return the field's value
     */
    public long length(int slot) {
        return buf.getLong(checkSlot(slot) * IOCB_SIZE + IOCB_NBYTES);
    }

    /**
     * The file position of a slot ({@code aio_offset}).
     *
     * @param slot the slot to read
     * @return the field's value
     */
    public long offset(int slot) {
        return buf.getLong(checkSlot(slot) * IOCB_SIZE + IOCB_OFFSET);
    }

    /**
     * The {@code IOCB_FLAG_*} flags of a slot ({@code aio_flags}).
     *
     * @param slot the slot to read
     * @return the field's value
     */
    public int flags(int slot) {
        return buf.getInt(checkSlot(slot) * IOCB_SIZE + IOCB_FLAGS);
    }

    /**
     * The {@code RWF_*} flags of a slot ({@code aio_rw_flags}).
     *
     * @param slot the slot to read
     * @return the field's value
     */
    public int rwFlags(int slot) {
        return buf.getInt(checkSlot(slot) * IOCB_SIZE + IOCB_RW_FLAGS);
    }

    /**
     * The eventfd a slot signals ({@code aio_resfd}).
     *
     * @param slot the slot to fill
     * @return the field's value
     */
    public int eventFd(int slot) {
        return buf.getInt(checkSlot(slot) * IOCB_SIZE + IOCB_RESFD);
    }

    /**
     * The I/O priority of a slot ({@code aio_reqprio}).
     *
     * @param slot the slot to read
     * @return the field's value
     */
    public short priority(int slot) {
        return buf.getShort(checkSlot(slot) * IOCB_SIZE + IOCB_REQPRIO);
    }

    private int checkSlot(int slot) {
        if (slot < 0 || slot >= capacity) {
            throw new IndexOutOfBoundsException("slot: " + slot + " (expected: 0.." + (capacity - 1) + ")");
        }
        return slot;
    }

    /** Frees the memory. The caller must be sure the kernel owns no slot (all events reaped, or context destroyed). */
    public void free() {
        memory.free();
    }
}
