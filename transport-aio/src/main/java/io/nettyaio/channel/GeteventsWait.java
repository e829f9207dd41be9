package io.nettyaio.channel;

import io.nettyaio.linux.AioAbi;
import io.nettyaio.linux.AioContext;
import io.nettyaio.linux.CompletionHandler;
import io.nettyaio.linux.EventFd;
import io.nettyaio.linux.IoEventArray;
import io.nettyaio.linux.IocbArray;
import io.nettyaio.linux.NativeIoException;
import io.nettyaio.linux.Poll;
import io.nettyaio.linux.SubmissionQueue;

/**
 * The loop sleeps in {@code io_getevents(min_nr = 1, timeout)}, which waits and reaps in one system call, as fio's
 * libaio engine does; iocbs signal no eventfd. Waking the loop from another thread still writes the eventfd: one
 * {@code IOCB_CMD_POLL} iocb on it stays in the context while the loop sleeps, so the write completes that iocb and
 * {@code io_getevents} returns. Its event resets the counter ({@code read(2)}), and the next wait arms it again
 * (one more {@code io_submit}, only after a wakeup from another thread).
 *
 * <p>Per request at depth 1 that is {@code io_submit} + {@code io_getevents}, where {@link EventFdWait} costs
 * {@code io_submit} + {@code poll} + {@code read}; and the kernel signals no eventfd per completion.
 */
final class GeteventsWait implements CompletionWait {
    /** The poll iocb's user data: never a slot number. */
    private static final long WAKEUP = -1L;

    private final EventFd eventFd;
    private final IocbArray pollIocb;
    private final SubmissionQueue pollQueue;
    private final IoEventArray events;
    private int kept;
    private boolean armed;

    private GeteventsWait(EventFd eventFd, IocbArray pollIocb, SubmissionQueue pollQueue, IoEventArray events) {
        this.eventFd = eventFd;
        this.pollIocb = pollIocb;
        this.pollQueue = pollQueue;
        this.events = events;
    }

    /**
     * @param eventFd what other threads write to wake the loop; stays its owner's
     * @param maxEvents the most events one wait takes from the kernel
     */
    static GeteventsWait open(AioContext context, EventFd eventFd, int maxEvents) {
        IocbArray iocb = new IocbArray(1);
        SubmissionQueue queue = null;
        IoEventArray events = null;
        boolean success = false;
        try {
            queue = new SubmissionQueue(context, 1);
            events = new IoEventArray(maxEvents);
            iocb.prepare(0, AioAbi.IOCB_CMD_POLL, eventFd.fd(), Poll.POLLIN, 0, 0);
            iocb.setUserData(0, WAKEUP);
            success = true;
            return new GeteventsWait(eventFd, iocb, queue, events);
        } finally {
            if (!success) {
                iocb.free();
                if (queue != null) {
                    queue.free();
                }
            }
        }
    }

    @Override
    public int resfd() {
        return -1;
    }

    @Override
    public void await(AioContext context, long nanos) throws NativeIoException {
        if (!armed) {
            // An eventfd already written completes the poll at once, so no wakeup is lost between turns
            if (pollQueue.pending() == 0) {
                pollQueue.add(pollIocb.address(0));
            }
            // The context keeps a slot for the poll, so it is refused only when the eventfd is gone (EBADF)
            armed = pollQueue.submit((iocb, cause) -> {
                throw new IllegalStateException("cannot arm the loop's wakeup poll: " + cause.getMessage(), cause);
            }) == 1;
        }
        kept = context.getEvents(events, 1, events.capacity(), nanos);
    }

    @Override
    public void deliver(CompletionHandler handler) {
        int n = kept;
        kept = 0;
        for (int i = 0; i < n; i++) {
            handler.onCompletion(events.data(i), events.obj(i), events.res(i), events.res2(i));
        }
    }

    @Override
    public boolean consume(long userData) throws NativeIoException {
        if (userData != WAKEUP) {
            return false;
        }
        armed = false;
        eventFd.read(); // reset the counter, or the poll armed next completes at once
        return true;
    }

    @Override
    public void free() {
        pollQueue.free();
        pollIocb.free();
        events.free();
    }
}
