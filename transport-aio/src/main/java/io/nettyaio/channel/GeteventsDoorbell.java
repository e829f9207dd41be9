package io.nettyaio.channel;

import io.nettyaio.linux.EventFd;
import io.nettyaio.linux.NativeIoException;

/**
 * The {@link Doorbell} of a loop on {@link LinuxAioEngine#openWaitingInGetevents}: the loop sleeps inside the
 * engine's {@code io_getevents}, and other threads wake it through the eventfd, which the engine polls with an iocb.
 */
final class GeteventsDoorbell implements Doorbell {
    private final LinuxAioEngine engine;
    private final EventFdDoorbell ringer;

    /** Takes ownership of {@code eventFd}. */
    GeteventsDoorbell(LinuxAioEngine engine, EventFd eventFd) {
        this.engine = engine;
        this.ringer = new EventFdDoorbell(eventFd);
    }

    @Override
    public void await(long nanos) throws NativeIoException {
        engine.awaitCompletions(nanos);
    }

    @Override
    public void ring() {
        ringer.ring();
    }

    @Override
    public void close() {
        ringer.close();
    }
}
