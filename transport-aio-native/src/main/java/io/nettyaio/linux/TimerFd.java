package io.nettyaio.linux;

/**
 * A non-blocking, close-on-exec timerfd on {@code CLOCK_MONOTONIC} (the clock of {@link System#nanoTime()} on
 * Linux): readable once its deadline has passed. A loop that sleeps until its next scheduled task arms it only when
 * that deadline moves, instead of handing the kernel a timeout at every sleep: each timeout is a new kernel timer,
 * and a timer that is a CPU's next event reprograms the CPU's clock (a VM exit on a virtual machine).
 *
 * <p><b>Threading.</b> The owner thread only.
 */
public final class TimerFd implements AutoCloseable {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final int fd;
    /** [0,32): struct itimerspec (it_interval, then it_value: tv_sec, tv_nsec each); [32,40): read target. */
    private final NativeMemory scratch;
    private boolean closed;

    private TimerFd(int fd, NativeMemory scratch) {
        this.fd = fd;
        this.scratch = scratch;
    }

    /**
     * Opens a disarmed timerfd, {@code TFD_NONBLOCK | TFD_CLOEXEC}.
     *
     * @return the timerfd; the caller owns it and must close it
     * @throws NativeIoException when timerfd_create(2) fails (e.g. EMFILE)
     */
    public static TimerFd open() throws NativeIoException {
        NativeLoader.ensureLoaded();
        NativeMemory scratch = NativeMemory.allocate(64, 64);
        int fd;
        try {
            fd = Native.timerfdCreate(Native.CLOCK_MONOTONIC, Native.TFD_NONBLOCK | Native.TFD_CLOEXEC);
        } catch (Throwable t) {
            scratch.free();
            throw t;
        }
        NativeResources.TIMER_FDS.incrementAndGet();
        return new TimerFd(fd, scratch);
    }

    /** @return the descriptor, e.g. for an {@code IOCB_CMD_POLL} iocb or registration with epoll */
    public int fd() {
        return fd;
    }

    /**
     * Arms the timer, once (no interval), for an absolute deadline; it replaces the deadline armed before.
     *
     * @param deadlineNanos a {@link System#nanoTime()} value; one in the past makes the timer readable at once
     * @throws NativeIoException when timerfd_settime(2) fails
     */
    public void armAt(long deadlineNanos) throws NativeIoException {
        long at = Math.max(1, deadlineNanos); // an it_value of zero would disarm it
        scratch.buffer().putLong(0, 0).putLong(8, 0)
                .putLong(16, at / NANOS_PER_SECOND).putLong(24, at % NANOS_PER_SECOND);
        Native.timerfdSettime(fd, Native.TFD_TIMER_ABSTIME, scratch.address());
    }

    /**
     * Resets the count of expirations, so that the descriptor is no longer readable (until the next expiry).
     *
     * @return the expirations since the last read, 0 when there were none (EAGAIN)
     * @throws NativeIoException when read(2) fails otherwise
     */
    public long read() throws NativeIoException {
        long r = Native.readNonBlocking("timerfd_read", fd, scratch.address() + 32, 8);
        return r == 8 ? scratch.buffer().getLong(32) : 0;
    }

    /**
     * Closes the descriptor. Idempotent.
     *
     * @throws NativeIoException when close(2) fails
     */
    @Override
    public void close() throws NativeIoException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Native.close(fd);
        } finally {
            NativeResources.TIMER_FDS.decrementAndGet();
            scratch.free();
        }
    }
}
