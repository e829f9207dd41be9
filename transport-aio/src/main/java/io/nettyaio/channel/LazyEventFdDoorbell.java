package io.nettyaio.channel;

import io.nettyaio.linux.EventFd;
import io.nettyaio.linux.NativeIoException;

/**
 * The {@link Doorbell} of a loop that started on a {@link RecoveringEngine}: it waits on the loop's eventfd when there
 * is one, and parks while there is none (no descriptor was free when the loop started). {@link #eventFd()} opens the
 * eventfd for the kernel engine when that engine can be had; the loop sleeps on it from then on.
 */
final class LazyEventFdDoorbell implements Doorbell {
    private final ParkingDoorbell parking = new ParkingDoorbell();
    /** Set once, on the loop thread while it is awake; read by any thread that rings. */
    private volatile EventFdDoorbell eventFdDoorbell;
    private EventFd eventFd;

    /** @param eventFd the loop's eventfd (the doorbell owns it from now on), or {@code null} when it has none */
    LazyEventFdDoorbell(EventFd eventFd) {
        if (eventFd != null) {
            this.eventFd = eventFd;
            this.eventFdDoorbell = new EventFdDoorbell(eventFd);
        }
    }

    /**
     * @return the eventfd, opened now if there is none yet. Loop thread, while it is awake: a thread that rings
     *         meanwhile saw the loop asleep on the parking side, and the loop checks its tasks before sleeping again
     * @throws NativeIoException when none can be opened (EMFILE, ENFILE)
     */
    EventFd eventFd() throws NativeIoException {
        if (eventFd == null) {
            eventFd = EventFd.open();
            eventFdDoorbell = new EventFdDoorbell(eventFd);
        }
        return eventFd;
    }

    @Override
    public void bind(Thread loopThread) {
        parking.bind(loopThread);
    }

    @Override
    public void await(long nanos) throws Exception {
        EventFdDoorbell d = eventFdDoorbell;
        if (d != null) {
            d.await(nanos);
        } else {
            parking.await(nanos);
        }
    }

    @Override
    public void ring() {
        EventFdDoorbell d = eventFdDoorbell;
        if (d != null) {
            d.ring();
        } else {
            parking.ring();
        }
    }

    @Override
    public void close() {
        EventFdDoorbell d = eventFdDoorbell;
        if (d != null) {
            d.close();
        }
    }
}
