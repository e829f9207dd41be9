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
    public void await(int millis) throws NativeIoException {
        if (eventFd.awaitReadable(millis)) {
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

    static void closeQuietly(EventFd eventFd) {
        try {
            eventFd.close();
        } catch (NativeIoException e) {
            logger.debug("Cannot close the AIO eventfd", e);
        }
    }
}
