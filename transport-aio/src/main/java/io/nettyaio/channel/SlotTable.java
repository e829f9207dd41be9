package io.nettyaio.channel;

import io.nettyaio.linux.AioAbi;
import io.nettyaio.linux.IocbArray;
import io.nettyaio.linux.IovecArray;

/**
 * The kernel engine's iocb slots: which request holds which slot, which slots are free, and how a request is written
 * into its iocb (single buffer, bounce buffer or iovecs). {@code aio_data} is the slot index. Loop thread only.
 *
 * <p>Memory: the iocb array is allocated up front; a slot's iovec array on its first vectored request, then reused.
 */
final class SlotTable {
    private final IocbArray iocbs;
    private final IoRequest[] requests;
    /** Whether the slot's current attempt carries RWF_NOWAIT (a result then means something else). */
    private final boolean[] nowait;
    /** The number of the submission each slot's current attempt was prepared for (see {@link #prepare}). */
    private final int[] submission;
    private final IovecArray[] iovecs;
    private final int[] free;
    private int freeCount;
    private final int eventFd;
    private final IovecFiller filler = new IovecFiller();

    /**
     * Takes ownership of {@code iocbs}: {@link #free()} frees it.
     *
     * @param eventFd the eventfd each iocb signals on completion, or -1 for none (the loop waits in io_getevents)
     */
    SlotTable(IocbArray iocbs, int eventFd) {
        int capacity = iocbs.capacity();
        this.iocbs = iocbs;
        this.eventFd = eventFd;
        this.requests = new IoRequest[capacity];
        this.nowait = new boolean[capacity];
        this.submission = new int[capacity];
        this.iovecs = new IovecArray[capacity];
        this.free = new int[capacity];
        for (int i = capacity - 1; i >= 0; i--) {
            free[freeCount++] = i;
        }
    }

    int capacity() {
        return requests.length;
    }

    int freeCount() {
        return freeCount;
    }

    /**
     * Writes what remains of {@code r} into a free slot's iocb, signalling the eventfd on completion.
     *
     * @param submissionNumber the number of the {@code io_submit} the iocb is prepared for (the engine's next), for
     *                         {@link #inSubmission}
     * @return the iocb's address, for io_submit
     * @throws RuntimeException when the request cannot be prepared (a bounce buffer cannot be allocated, say);
     *                          the slot is free again then
     */
    long prepare(IoRequest r, int fd, int submissionNumber) {
        int slot = free[--freeCount];
        try {
            fill(slot, r, fd);
        } catch (Throwable t) {
            free[freeCount++] = slot;
            throw t;
        }
        boolean carriesNowait = !r.isDataless();
        if (carriesNowait) {
            iocbs.setRwFlags(slot, AioAbi.RWF_NOWAIT | r.rwFlags());
        }
        if (r.ioPriority() != 0) {
            iocbs.setPriority(slot, r.ioPriority());
        }
        if (eventFd >= 0) {
            iocbs.setEventFd(slot, eventFd);
        }
        requests[slot] = r;
        nowait[slot] = carriesNowait;
        submission[slot] = submissionNumber;
        return iocbs.address(slot);
    }

    /**
     * @param aioData an event's {@code aio_data}
     * @return whether it is a slot's, whose request was prepared for submission {@code submissionNumber}
     */
    boolean inSubmission(long aioData, int submissionNumber) {
        return aioData >= 0 && aioData < requests.length && requests[(int) aioData] != null
                && submission[(int) aioData] == submissionNumber;
    }

    private void fill(int slot, IoRequest r, int fd) {
        if (r.kind() == IoRequest.FSYNC) {
            iocbs.prepareFsync(slot, fd);
            return;
        }
        if (r.kind() == IoRequest.FDATASYNC) {
            iocbs.prepareFdsync(slot, fd);
            return;
        }
        boolean read = r.isRead();
        long address = r.contiguousAddress();
        if (address != 0) {
            if (read) {
                iocbs.preparePread(slot, fd, address, r.remaining(), r.offset());
            } else {
                iocbs.preparePwrite(slot, fd, address, r.remaining(), r.offset());
            }
            return;
        }
        IovecArray iov = iovecs[slot];
        if (iov == null) {
            iov = iovecs[slot] = new IovecArray(AioAbi.MAX_IOV);
        }
        int count = filler.fill(iov, r);
        if (read) {
            iocbs.preparePreadv(slot, fd, iov.address(), count, r.offset());
        } else {
            iocbs.preparePwritev(slot, fd, iov.address(), count, r.offset());
        }
    }

    /** @return the slot that {@code iocbAddress} (an io_submit rejection) belongs to */
    int slotOf(long iocbAddress) {
        return iocbs.slotOf(iocbAddress);
    }

    /** @return whether the slot's attempt carried RWF_NOWAIT; read before {@link #release(int)} */
    boolean carriesNowait(int slot) {
        return nowait[slot];
    }

    /** Frees the slot; @return its request, or {@code null} when it was free (the kernel reported it twice) */
    IoRequest release(int slot) {
        IoRequest r = requests[slot];
        if (r != null) {
            requests[slot] = null;
            free[freeCount++] = slot;
        }
        return r;
    }

    /** Frees the native memory. Every slot must have been released (the kernel context is gone). */
    void free() {
        iocbs.free();
        for (IovecArray iov : iovecs) {
            if (iov != null) {
                iov.free();
            }
        }
    }
}
