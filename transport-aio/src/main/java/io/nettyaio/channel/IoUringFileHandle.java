package io.nettyaio.channel;

import io.netty.channel.IoEvent;
import io.netty.channel.IoRegistration;
import io.netty.channel.uring.IoUringIoEvent;
import io.netty.channel.uring.IoUringIoHandle;
import io.netty.channel.uring.IoUringIoOps;

/**
 * What an {@link IoUringEngine} registers on an io_uring loop: SQEs go out through its registration, and every CQE
 * of ours comes back to {@link #handle} with the 16-bit slot index we gave as data. Netty calls {@link #close()}
 * (possibly more than once) when the loop shuts down. Loop thread only.
 */
final class IoUringFileHandle implements IoUringIoHandle {
    private final Runnable onClose;
    private IoUringEngine engine;
    private IoRegistration registration;

    /** @param onClose what Netty's close means: the driver closes (idempotent) */
    IoUringFileHandle(Runnable onClose) {
        this.onClose = onClose;
    }

    void engine(IoUringEngine engine) {
        this.engine = engine;
    }

    /** The registration {@code IoEventLoop.register} gave back: submissions and cancel go through it. */
    void registered(IoRegistration registration) {
        this.registration = registration;
    }

    long submit(byte opcode, int fd, long offset, long address, int length, int opFlags, short ioPrio, short data) {
        IoRegistration r = registration;
        if (r == null || !r.isValid()) {
            return 0;
        }
        return r.submit(new IoUringIoOps(opcode, (byte) 0, ioPrio, fd, offset, address, length, opFlags, (long) data,
                (short) 0, (short) 0, 0, 0L));
    }

    /** No more submissions; completions of what is in the ring still arrive. */
    void cancel() {
        IoRegistration r = registration;
        if (r != null) {
            r.cancel();
        }
    }

    @Override
    public void handle(IoRegistration registration, IoEvent ioEvent) {
        IoUringIoEvent event = (IoUringIoEvent) ioEvent; // reused by Netty: read it now
        engine.onCompletion((int) event.userData(), event.res());
    }

    @Override
    public void close() {
        onClose.run();
    }
}
