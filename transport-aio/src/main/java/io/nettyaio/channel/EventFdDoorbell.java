package io.nettyaio.channel;

import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.nettyaio.linux.EventFd;
import io.nettyaio.linux.NativeIoException;

/** A {@link Doorbell} on the eventfd that the kernel engine's iocbs signal: one wait for completions and tasks. */
final class EventFdDoorbell implements Doorbell {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(EventFdDoorbell.class);
    private final EventFd eventFd;

    /** Takes ownership of {@code eventFd}. */
    EventFdDoorbell(EventFd eventFd) {
        this.eventFd = eventFd;
    }

    @Override
    public void await(long nanos) throws NativeIoException {
        if (eventFd.awaitReadable(ceilMillis(nanos))) {
            eventFd.read();
        }
    }

    @Override
    public void ring() {
        try {
            eventFd.signal();
        } catch (NativeIoException e) {
            logger.warn("Cannot wake the AIO completion loop", e);
        }
    }

    @Override
    public void close() {
        closeQuietly(eventFd);
    }

    /**
     * {@code poll(2)} counts milliseconds: rounded up, so that a wait never ends before the due time (the loop would
     * wake to find nothing due, and sleep again).
     */
    static int ceilMillis(long nanos) {
        return (int) Math.min(Integer.MAX_VALUE, (nanos + 999_999) / 1_000_000);
    }

    static void closeQuietly(EventFd eventFd) {
        try {
            eventFd.close();
        } catch (NativeIoException e) {
            logger.debug("Cannot close the AIO eventfd", e);
        }
    }
}
