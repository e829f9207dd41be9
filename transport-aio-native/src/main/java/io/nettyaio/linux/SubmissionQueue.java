package io.nettyaio.linux;

import java.nio.ByteBuffer;

/**
 * A FIFO of prepared iocbs waiting for {@code io_submit}, with {@code lio_listio}-like "submit everything"
 * semantics: {@link #submit(SubmitErrorHandler)} submits as much as the context accepts in as few system calls as
 * possible, keeps the remainder, in order, when the context is full (a short count or EAGAIN), and when the kernel
 * rejects one iocb it reports that request alone and carries on with the rest.
 *
 * <p>The iocb pointers live in an off-heap ring, so queueing and submitting allocate nothing. Not thread-safe: the
 * thread that owns the {@link AioContext} uses it. Free with {@link #free()}.
 */
public final class SubmissionQueue {
    private final AioContext context;
    private final NativeMemory pointers;
    private final ByteBuffer buf;
    private final int capacity;
    private long head;
    private long tail;
    private boolean full;
    private long submitCalls;
    private long shortSubmits;
    private long eagains;

    /**
     * @param context the context to submit to
     * @param capacity the most iocbs that may wait in the queue at once
     */
    public SubmissionQueue(AioContext context, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: >= 1)");
        }
        this.context = context;
        this.capacity = capacity;
        this.pointers = NativeMemory.allocate((long) capacity * 8, 64);
        this.buf = pointers.buffer();
    }

    /**
     * Appends a prepared iocb.
     *
     * @param iocbAddress the iocb's address
     * @throws IllegalStateException when the queue already holds {@link #capacity()} iocbs
     */
    public void add(long iocbAddress) {
        if (tail - head == capacity) {
            throw new IllegalStateException("submission queue full: " + capacity + " iocbs waiting");
        }
        buf.putLong((int) (tail % capacity) * 8, iocbAddress);
        tail++;
    }

    /** @return iocbs waiting to be submitted */
    public int pending() {
        return (int) (tail - head);
    }

    /** @return the most iocbs the queue holds */
    public int capacity() {
        return capacity;
    }

    /**
     * @return whether the last {@link #submit} stopped because the context was full (EAGAIN or a short count
     *         confirmed by EAGAIN); reaping completions makes room again
     */
    public boolean isContextFull() {
        return full;
    }

    /**
     * Submits every queued iocb the context accepts.
     *
     * @param onError told about each iocb the kernel rejects; that iocb is dropped from the queue
     * @return how many iocbs were accepted by the kernel in this call
     */
    public int submit(SubmitErrorHandler onError) {
        full = false;
        int submitted = 0;
        while (head != tail) {
            int start = (int) (head % capacity);
            int count = (int) Math.min(tail - head, capacity - start);
            int accepted;
            submitCalls++;
            try {
                accepted = context.submit(pointers.address() + start * 8L, count);
            } catch (NativeIoException e) {
                // io_submit reports the error of the first iocb only: that one is bad, the rest may be fine
                long bad = buf.getLong(start * 8);
                head++;
                onError.onSubmitError(bad, e);
                continue;
            }
            if (accepted == 0) {
                eagains++;
                full = true;
                break;
            }
            head += accepted;
            submitted += accepted;
            if (accepted < count) {
                // Either the context is full or iocb [accepted] is bad: the next round tells which
                shortSubmits++;
            }
        }
        return submitted;
    }

    /** @return io_submit calls made so far */
    public long submitCalls() {
        return submitCalls;
    }

    /** @return io_submit calls that accepted fewer iocbs than offered, but at least one */
    public long shortSubmits() {
        return shortSubmits;
    }

    /** @return io_submit calls that accepted nothing because the context was full (EAGAIN) */
    public long eagains() {
        return eagains;
    }

    /** Frees the pointer ring. Idempotent. */
    public void free() {
        pointers.free();
    }
}
