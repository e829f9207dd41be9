package io.nettyaio.linux;

/**
 * {@code poll(2)} on one descriptor: wait until it is readable or writable, with a timeout. For the owner of an
 * {@link EventFd}, {@link EventFd#awaitReadable(int)} does the same without allocating. Thread-safe.
 */
public final class Poll {
    /** Wait for data to read. */
    public static final short POLLIN = 0x1;
    /** Wait until writing will not block. */
    public static final short POLLOUT = 0x4;

    private Poll() { }

    /**
     * Waits for {@code events} on {@code fd}.
     *
     * @param fd the descriptor
     * @param events {@link #POLLIN}, {@link #POLLOUT} or both
     * @param timeoutMillis the longest wait; 0 returns at once, negative waits forever
     * @return the events that occurred ({@code revents}, which may include POLLERR 0x8, POLLHUP 0x10 or POLLNVAL
     *         0x20 for a descriptor that is not open), or 0 on timeout or when interrupted by a signal
     * @throws NativeIoException when poll(2) fails
     */
    public static int await(int fd, short events, int timeoutMillis) throws NativeIoException {
        NativeLoader.ensureLoaded();
        NativeMemory pollfd = NativeMemory.allocate(8, 8);
        try {
            pollfd.buffer().putInt(0, fd);
            pollfd.buffer().putShort(4, events);
            int ready = Native.poll(pollfd.address(), 1, timeoutMillis);
            return ready > 0 ? pollfd.buffer().getShort(6) & 0xffff : 0;
        } finally {
            pollfd.free();
        }
    }
}
