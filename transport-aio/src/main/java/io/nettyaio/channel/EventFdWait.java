package io.nettyaio.channel;

import io.nettyaio.linux.AioContext;
import io.nettyaio.linux.CompletionHandler;
import io.nettyaio.linux.EventFd;
import io.nettyaio.linux.NativeIoException;

/**
 * Completions signal the loop's eventfd ({@code IOCB_FLAG_RESFD}); waiting is {@code poll(2)} on it, then a read of
 * its counter. What the epoll loop needs: its epoll set watches that eventfd.
 */
final class EventFdWait implements CompletionWait {
    private final EventFd eventFd;

    /** {@code eventFd} stays its owner's. */
    EventFdWait(EventFd eventFd) {
        this.eventFd = eventFd;
    }

    @Override
    public int resfd() {
        return eventFd.fd();
    }

    @Override
    public void await(AioContext context, long nanos) throws NativeIoException {
        if (eventFd.awaitReadable(EventFdDoorbell.ceilMillis(nanos))) {
            eventFd.read();
        }
    }

    @Override
    public void deliver(CompletionHandler handler) {
    }

    @Override
    public boolean consume(long userData) {
        return false;
    }

    @Override
    public void free() {
    }
}
