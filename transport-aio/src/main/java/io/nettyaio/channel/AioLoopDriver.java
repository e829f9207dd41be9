package io.nettyaio.channel;

import io.nettyaio.linux.EventFd;
import io.nettyaio.linux.LinuxAio;
import io.nettyaio.linux.NativeIoException;

/**
 * The driver inside our own {@link AioEventLoop}: the loop sleeps on the {@link Doorbell}, reaps, runs tasks and
 * flushes once per turn, so handing a request to the engine is all a submit needs. The engine is chosen here, once
 * ({@link AioEngines}): Linux AIO sleeping in {@code io_getevents} (or, by property, on the eventfd), io_uring on a
 * ring the loop drives ({@link ManualIoUringRing}), or the blocking engine on a parking doorbell. Where Linux AIO is
 * available but short of a resource that comes back ({@code fs.aio-max-nr} used up, no descriptor free), the loop
 * starts on a {@link RecoveringEngine} (on the eventfd), which switches to Linux AIO when it can.
 */
final class AioLoopDriver extends LoopDriver {
    /**
     * System property, default {@code true}: Linux AIO loops sleep in {@code io_getevents} ({@link GeteventsWait}:
     * it waits and reaps in one system call, where {@code false} makes them {@code poll(2)} the eventfd and then
     * read it). Side by side on the quiet machine it was ahead at 7 of 8 points of depth 1 and 32, reads and writes,
     * disk and zram, and brought depth 1 on zram within all of fio's marks (BENCHMARKS.md section 8). Its former
     * 500 ms stall with FUSE reads in flight was io_getevents's timeout lost in the binding, fixed there.
     */
    static final String WAIT_IN_GETEVENTS_PROP_NAME = "io.nettyaio.waitInGetevents";
    private static final boolean WAIT_IN_GETEVENTS =
            Boolean.parseBoolean(System.getProperty(WAIT_IN_GETEVENTS_PROP_NAME, "true"));
    private final Doorbell doorbell;

    AioLoopDriver(AioEventLoop loop, IoEngine engine, Doorbell doorbell) {
        super(loop, engine);
        this.doorbell = doorbell;
    }

    /**
     * Opens the loop's kernel resources, all or nothing.
     *
     * @throws NativeIoException when the eventfd or the AIO context cannot be had for a reason that does not pass
     *                           (a shortage starts the loop on the blocking engine instead); nothing stays open then
     */
    static AioLoopDriver open(AioEventLoop loop, int capacity, BlockingIoExecutor blocking) throws NativeIoException {
        String choice = AioEngines.forOwnLoops();
        if (AioEngines.IO_URING.equals(choice)) {
            try {
                return ManualIoUringRing.openDriver(loop, capacity, blocking);
            } catch (RuntimeException | LinkageError e) {
                // io_uring passed the probe but this ring cannot be had: the next engine serves, as for the probe
                Degradations.report(Degradations.IO_URING_RING, null, e);
                choice = Aio.isAvailable() ? AioEngines.LINUX_AIO : AioEngines.BLOCKING;
            }
        }
        if (AioEngines.BLOCKING.equals(choice)) {
            AioMetrics metrics = new AioMetrics(BlockingEngine.NAME);
            if (!Aio.isAvailable() && !Aio.isDisabled()) {
                Degradations.report(Degradations.AIO_UNAVAILABLE, metrics, Aio.unavailabilityCause());
            }
            return new AioLoopDriver(loop, new BlockingEngine(loop, blocking, metrics, false), new ParkingDoorbell());
        }
        AioMetrics metrics = new AioMetrics(LinuxAioEngine.NAME);
        EventFd eventFd = null;
        boolean success = false;
        try {
            eventFd = EventFd.open();
            if (WAIT_IN_GETEVENTS) {
                LinuxAioEngine engine = LinuxAioEngine.openWaitingInGetevents(loop, capacity, eventFd, blocking,
                        metrics);
                success = true;
                return new AioLoopDriver(loop, engine, new GeteventsDoorbell(engine, eventFd));
            }
            LinuxAioEngine engine = LinuxAioEngine.open(loop, capacity, eventFd, blocking, metrics);
            success = true;
            return new AioLoopDriver(loop, engine, new EventFdDoorbell(eventFd));
        } catch (NativeIoException | UnsatisfiedLinkError e) {
            if (!LinuxAio.isTransient(e)) {
                throw e;
            }
            LazyEventFdDoorbell doorbell = new LazyEventFdDoorbell(eventFd); // owns the eventfd, if there is one
            RecoveringEngine engine = new RecoveringEngine(new BlockingEngine(loop, blocking, metrics, true), metrics,
                    () -> LinuxAioEngine.open(loop, capacity, doorbell.eventFd(), blocking, metrics), e);
            AioLoopDriver driver = new AioLoopDriver(loop, engine, doorbell);
            success = true;
            return driver;
        } finally {
            if (!success && eventFd != null) {
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
