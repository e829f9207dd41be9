package io.nettyaio.channel;

import io.nettyaio.linux.EventFd;
import io.nettyaio.linux.NativeIoException;

/**
 * The driver inside our own {@link AioEventLoop}: the loop sleeps on the {@link Doorbell}, reaps, runs tasks and
 * flushes once per turn, so handing a request to the engine is all a submit needs. The engine is chosen here, once:
 * Linux AIO on an eventfd where it is available, else the blocking engine on a parking doorbell.
 */
final class AioLoopDriver extends LoopDriver {
    private final Doorbell doorbell;

    private AioLoopDriver(AioEventLoop loop, IoEngine engine, Doorbell doorbell) {
        super(loop, engine);
        this.doorbell = doorbell;
    }

    /**
     * Opens the loop's kernel resources, all or nothing.
     *
     * @throws NativeIoException when the eventfd or the AIO context cannot be had; nothing stays open then
     */
    static AioLoopDriver open(AioEventLoop loop, int capacity, BlockingIoExecutor blocking) throws NativeIoException {
        if (!Aio.isAvailable()) {
            BlockingEngine engine = new BlockingEngine(loop, blocking);
            if (!Aio.isDisabled()) {
                Degradations.report(Degradations.AIO_UNAVAILABLE, engine.metrics, Aio.unavailabilityCause());
            }
            return new AioLoopDriver(loop, engine, new ParkingDoorbell());
        }
        EventFd eventFd = EventFd.open();
        boolean success = false;
        try {
            LinuxAioEngine engine = LinuxAioEngine.open(loop, capacity, eventFd, blocking);
            success = true;
            return new AioLoopDriver(loop, engine, new EventFdDoorbell(eventFd));
        } finally {
            if (!success) {
                EventFdDoorbell.closeQuietly(eventFd);
            }
        }
    }

    Doorbell doorbell() {
        return doorbell;
    }

    @Override
    void releaseResources() {
        doorbell.close();
    }
}
