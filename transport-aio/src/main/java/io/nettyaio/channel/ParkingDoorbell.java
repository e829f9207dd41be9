package io.nettyaio.channel;

import java.util.concurrent.locks.LockSupport;

/** A {@link Doorbell} for the blocking engine: the loop parks, and a new task unparks it. */
final class ParkingDoorbell implements Doorbell {
    private volatile Thread sleeper;

    @Override
    public void bind(Thread loopThread) {
        sleeper = loopThread;
    }

    @Override
    public void await(long nanos) {
        LockSupport.parkNanos(this, nanos);
    }

    @Override
    public void ring() {
        Thread t = sleeper;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    @Override
    public void close() {
        // nothing held
    }
}
