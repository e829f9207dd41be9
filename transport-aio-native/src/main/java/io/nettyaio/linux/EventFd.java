package io.nettyaio.linux;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A non-blocking, close-on-exec eventfd: the doorbell the kernel rings on AIO completion
 * ({@code IOCB_FLAG_RESFD}) and other threads ring to wake the owner.
 *
 * <p>The counter is a doorbell, not a count of events: completions coalesce, and a wakeup adds to the same counter,
 * so after {@link #read()} the owner reaps until the ring is empty instead of waiting for {@code count} events.
 *
 * <p><b>Threading.</b> {@link #signal()} may be called from any thread, also concurrently with {@link #close()}
 * (it then does nothing: it never writes to a descriptor number that was closed and perhaps reused). Everything
 * else belongs to the owner thread.
 */
public final class EventFd implements AutoCloseable {
    private static final int CLOSED = Integer.MIN_VALUE;

    private final int fd;
    /** [0,8): read target; [8,16): owner's write value; [16,24): the constant 1 for signal(); [24,32): pollfd. */
    private final NativeMemory scratch;
    /** CLOSED bit plus the number of signal() calls in progress. */
    private final AtomicInteger state = new AtomicInteger();

    private EventFd(int fd, NativeMemory scratch) {
        this.fd = fd;
        this.scratch = scratch;
        scratch.buffer().putLong(16, 1L);
        scratch.buffer().putInt(24, fd);
        scratch.buffer().putShort(28, (short) Native.POLLIN);
    }

    /**
     * Opens an eventfd with counter 0, {@code EFD_NONBLOCK | EFD_CLOEXEC}.
     *
     * @return the eventfd; the caller owns it and must close it
     * @throws NativeIoException when eventfd(2) fails (e.g. EMFILE)
     */
    public static EventFd open() throws NativeIoException {
        NativeLoader.ensureLoaded();
        NativeMemory scratch = NativeMemory.allocate(64, 64);
        int fd;
        try {
            fd = Native.eventfd(0, Native.EFD_NONBLOCK | Native.EFD_CLOEXEC);
        } catch (Throwable t) {
            scratch.free();
            throw t;
        }
        NativeResources.EVENT_FDS.incrementAndGet();
        return new EventFd(fd, scratch);
    }

    /** @return the descriptor, e.g. for {@link IocbArray#setEventFd(int, int)} or registration with epoll */
    public int fd() {
        return fd;
    }

    /**
     * Reads and resets the counter. Owner thread only.
     *
     * @return the counter's value, or 0 when it was 0 (EAGAIN)
     * @throws NativeIoException when read(2) fails otherwise
     */
    public long read() throws NativeIoException {
        long r = Native.readNonBlocking("eventfd_read", fd, scratch.address(), 8);
        return r == 8 ? scratch.buffer().getLong(0) : 0;
    }

    /**
     * Adds {@code value} to the counter. Owner thread only (other threads use {@link #signal()}).
     *
     * @param value 1 to 0xfffffffffffffffe
     * @return false when the counter would overflow (EAGAIN): it is already readable
     * @throws NativeIoException when write(2) fails otherwise
     */
    public boolean write(long value) throws NativeIoException {
        if (value == 0 || value == -1L) {
            throw new IllegalArgumentException("value: " + value + " (expected: 1..0xfffffffffffffffe)");
        }
        scratch.buffer().putLong(8, value);
        return Native.writeNonBlocking("eventfd_write", fd, scratch.address() + 8, 8) == 8;
    }

    /**
     * Adds 1 to the counter, waking whoever polls it. Any thread; does nothing once {@link #close()} has begun.
     *
     * @return whether the eventfd was written (false when closed, or already saturated and so readable)
     * @throws NativeIoException when write(2) fails unexpectedly
     */
    public boolean signal() throws NativeIoException {
        if (state.getAndIncrement() < 0) {
            state.decrementAndGet();
            return false;
        }
        try {
            return Native.writeNonBlocking("eventfd_write", fd, scratch.address() + 16, 8) == 8;
        } finally {
            state.decrementAndGet();
        }
    }

    /**
     * Waits until the counter is non-zero ({@code poll(2)} for POLLIN). Owner thread only.
     *
     * @param timeoutMillis the longest wait; 0 returns at once, negative waits forever
     * @return whether it is readable; false on timeout or when interrupted by a signal
     * @throws NativeIoException when poll(2) fails
     */
    public boolean awaitReadable(int timeoutMillis) throws NativeIoException {
        scratch.buffer().putShort(30, (short) 0);
        return Native.poll(scratch.address() + 24, 1, timeoutMillis) > 0;
    }

    /** @return whether {@link #close()} was called */
    public boolean isClosed() {
        return state.get() < 0;
    }

    /**
     * Closes the descriptor once no {@link #signal()} is in progress. Idempotent; owner thread.
     *
     * @throws NativeIoException when close(2) fails
     */
    @Override
    public void close() throws NativeIoException {
        int s;
        do {
            s = state.get();
            if (s < 0) {
                return;
            }
        } while (!state.compareAndSet(s, s | CLOSED));
        while ((state.get() & ~CLOSED) != 0) {
            Thread.onSpinWait(); // a signal() is inside its write(2): a few microseconds at most
        }
        try {
            Native.close(fd);
        } finally {
            NativeResources.EVENT_FDS.decrementAndGet();
            scratch.free();
        }
    }
}
