package io.nettyaio.channel;

import io.nettyaio.linux.EventFd;
import io.nettyaio.linux.NativeIoException;

/**
 * The driver inside our own {@link AioEventLoop}: the loop sleeps on the {@link Doorbell}, reaps, runs tasks and
 * flushes once per turn, so handing a request to the engine is all a submit needs. The engine is chosen here, once
 * ({@link AioEngines}): Linux AIO on an eventfd, io_uring on a ring the loop drives ({@link ManualIoUringRing}), or
 * the blocking engine on a parking doorbell.
 */
final class AioLoopDriver extends LoopDriver {
    private final Doorbell doorbell;

    AioLoopDriver(AioEventLoop loop, IoEngine engine, Doorbell doorbell) {
        super(loop, engine);
        this.doorbell = doorbell;
    }

    /**
     * Opens the loop's kernel resources, all or nothing.
     *
     * @throws NativeIoException when the eventfd or the AIO context cannot be had; nothing stays open then
     */
    static AioLoopDriver open(AioEventLoop loop, int capacity, BlockingIoExecutor blocking) throws NativeIoException {
        String choice = AioEngines.forOwnLoops();
        if (AioEngines.IO_URING.equals(choice)) {
            return ManualIoUringRing.openDriver(loop, capacity, blocking);
        }
        if (AioEngines.BLOCKING.equals(choice)) {
            return new AioLoopDriver(loop, new BlockingEngine(loop, blocking), new ParkingDoorbell());
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
