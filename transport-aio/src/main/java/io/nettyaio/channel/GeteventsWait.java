package io.nettyaio.channel;

import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.nettyaio.linux.AioAbi;
import io.nettyaio.linux.AioContext;
import io.nettyaio.linux.CompletionHandler;
import io.nettyaio.linux.EventFd;
import io.nettyaio.linux.IoEventArray;
import io.nettyaio.linux.IocbArray;
import io.nettyaio.linux.LinuxAio;
import io.nettyaio.linux.NativeIoException;
import io.nettyaio.linux.Poll;
import io.nettyaio.linux.SubmissionQueue;
import io.nettyaio.linux.SubmitErrorHandler;
import io.nettyaio.linux.TimerFd;

/**
 * The loop sleeps in {@code io_getevents(min_nr = 1)}, which waits and reaps in one system call, as fio's libaio
 * engine does; iocbs signal no eventfd. Two {@code IOCB_CMD_POLL} iocbs stay in the context while the loop sleeps:
 * <ul>
 * <li>one on the eventfd that other threads write to wake the loop: the write completes it and {@code io_getevents}
 *     returns; its event resets the counter ({@code read(2)}), and the next wait arms it again (one more
 *     {@code io_submit}, only after a wakeup from another thread);</li>
 * <li>one on a {@link TimerFd} set to the loop's next scheduled task: {@code io_getevents} is given no timeout, and
 *     the timer is set again only when that deadline moves earlier. A timeout per sleep made the kernel start and
 *     cancel a timer at every sleep, and a timer that is a CPU's next event reprograms the CPU's clock: on this
 *     project's virtual machine, with a task due every millisecond, that was 8 of the loop's 29 us per request at
 *     depth 1 (BENCHMARKS.md section 8). A deadline that moved later leaves the timer set too early: the loop wakes
 *     once, finds nothing due, and sets it again.</li>
 * </ul>
 *
 * <p>Per request at depth 1 that is {@code io_submit} + {@code io_getevents}, where {@link EventFdWait} costs
 * {@code io_submit} + {@code poll} + {@code read}; and the kernel signals no eventfd per completion.
 */
final class GeteventsWait implements CompletionWait {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(GeteventsWait.class);
    /** The wakeup poll iocb's user data: never a slot number. */
    private static final long WAKEUP = -1L;
    /** The timer poll iocb's user data: never a slot number. */
    private static final long TIMER = -2L;
    /** Slots of the context that the wait's poll iocbs take. */
    static final int POLL_IOCBS = 2;
    private static final int WAKEUP_IOCB = 0;
    private static final int TIMER_IOCB = 1;
    /** The context keeps a slot for each poll: one is refused only when its descriptor is gone (EBADF). */
    private static final SubmitErrorHandler POLL_REFUSED = (iocb, cause) -> {
        throw new IllegalStateException("cannot arm the loop's poll: " + cause.getMessage(), cause);
    };
    /** A deadline this much earlier than the one set moves the timer; closer ones keep it (they are the same). */
    private static final long TIMER_TOLERANCE_NANOS = 1_000;

    private final EventFd eventFd;
    /** {@code null} when the kernel refused a timerfd: each sleep then carries its own timeout. */
    private final TimerFd timer;
    private final IocbArray pollIocbs;
    private final SubmissionQueue pollQueue;
    private final IoEventArray events;
    private int kept;
    private boolean wakeupArmed;
    /** Whether the timer poll iocb is in the context (until the timer fires and its event is consumed). */
    private boolean timerPolled;
    /** The deadline the timer is set to, while {@link #timerPolled}. */
    private long timerDeadline;

    private GeteventsWait(EventFd eventFd, TimerFd timer, IocbArray pollIocbs, SubmissionQueue pollQueue,
                          IoEventArray events) {
        this.eventFd = eventFd;
        this.timer = timer;
        this.pollIocbs = pollIocbs;
        this.pollQueue = pollQueue;
        this.events = events;
    }

    /**
     * Opens the wait, all or nothing. The context must keep {@value #POLL_IOCBS} slots for its poll iocbs.
     *
     * @param eventFd what other threads write to wake the loop; stays its owner's
     * @param maxEvents the most events one wait takes from the kernel
     * @param metrics where a refused timerfd is reported; the wait then gives each sleep its own timeout
     * @throws NativeIoException when no descriptor is free for the timerfd (EMFILE, ENFILE); nothing stays open then
     */
    static GeteventsWait open(AioContext context, EventFd eventFd, int maxEvents, AioMetrics metrics)
            throws NativeIoException {
        IocbArray iocbs = new IocbArray(POLL_IOCBS);
        TimerFd timer = null;
        SubmissionQueue queue = null;
        IoEventArray events = null;
        boolean success = false;
        try {
            timer = openTimer(metrics);
            queue = new SubmissionQueue(context, POLL_IOCBS);
            events = new IoEventArray(maxEvents);
            iocbs.prepare(WAKEUP_IOCB, AioAbi.IOCB_CMD_POLL, eventFd.fd(), Poll.POLLIN, 0, 0);
            iocbs.setUserData(WAKEUP_IOCB, WAKEUP);
            if (timer != null) {
                iocbs.prepare(TIMER_IOCB, AioAbi.IOCB_CMD_POLL, timer.fd(), Poll.POLLIN, 0, 0);
                iocbs.setUserData(TIMER_IOCB, TIMER);
            }
            success = true;
            return new GeteventsWait(eventFd, timer, iocbs, queue, events);
        } finally {
            if (!success) {
                iocbs.free();
                if (queue != null) {
                    queue.free();
                }
                if (timer != null) {
                    closeQuietly(timer);
                }
            }
        }
    }

    private static void closeQuietly(TimerFd timer) {
        try {
            timer.close();
        } catch (NativeIoException e) {
            logger.debug("Cannot close the loop's timerfd", e);
        }
    }

    /** @return a timerfd, or {@code null} when the kernel refuses one for good (seccomp, ENOSYS): reported then */
    private static TimerFd openTimer(AioMetrics metrics) throws NativeIoException {
        try {
            return TimerFd.open();
        } catch (NativeIoException e) {
            if (LinuxAio.isTransient(e)) {
                throw e;
            }
            Degradations.report(Degradations.TIMERFD, metrics, e);
            return null;
        }
    }

    @Override
    public int resfd() {
        return -1;
    }

    @Override
    public void await(AioContext context, long nanos) throws NativeIoException {
        // Each poll goes in once and stays until its event is consumed. An eventfd already written (a timer already
        // expired) completes its poll at once, so no wakeup is lost between turns.
        if (!wakeupArmed) {
            pollQueue.add(pollIocbs.address(WAKEUP_IOCB));
            wakeupArmed = true;
        }
        if (timer != null) {
            long deadline = System.nanoTime() + nanos;
            if (!timerPolled || deadline - timerDeadline < -TIMER_TOLERANCE_NANOS) {
                timer.armAt(deadline);
                timerDeadline = deadline;
            }
            if (!timerPolled) {
                pollQueue.add(pollIocbs.address(TIMER_IOCB));
                timerPolled = true;
            }
        }
        if (pollQueue.pending() > 0) {
            pollQueue.submit(POLL_REFUSED);
        }
        // The timer's poll in the kernel ends the wait; without a timerfd, or with a poll still queued (EAGAIN),
        // the timeout does
        boolean timerWaits = timer != null && pollQueue.pending() == 0;
        kept = context.getEvents(events, 1, events.capacity(), timerWaits ? -1 : nanos);
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
        if (userData == WAKEUP) {
            wakeupArmed = false;
            eventFd.read(); // reset the counter, or the poll armed next completes at once
            return true;
        }
        if (userData == TIMER && timer != null) {
            timerPolled = false;
            timer.read(); // reset it, or the poll armed next completes at once
            return true;
        }
        return false;
    }

    @Override
    public void free() {
        pollQueue.free();
        pollIocbs.free();
        events.free();
        if (timer != null) {
            closeQuietly(timer);
        }
    }
}
