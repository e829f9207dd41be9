package io.nettyaio.linux;

import com.kenai.jffi.MemoryIO;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.LongPredicate;

import static io.nettyaio.linux.AioAbi.*;

/**
 * A Linux AIO context ({@code io_setup}): submit control blocks, reap their completions, destroy.
 *
 * <p><b>Capacity.</b> The kernel guarantees at least {@link #capacity()} requests in flight (it may accept a few
 * more, depending on the CPU count); a submission beyond what it accepts returns a short count, or 0 on EAGAIN,
 * never an exception. A request's slot is freed when its event is <em>reaped</em>, not when the I/O completes.
 *
 * <p><b>Reaping.</b> {@link #reap} reads events straight from the kernel's user-space ring (magic and
 * incompat_features checked; acquire on {@code tail}, release on {@code head}), with no system call. Where the ring
 * is unusable, or the system property {@value #NO_RING_REAPING_PROP_NAME} is {@code true}, it falls back to
 * {@code io_getevents} with a zero timeout. {@link #getEvents} always uses the system call, to wait.
 *
 * <p><b>Threading.</b> Not thread-safe. One thread submits and reaps: the ring has no lock against concurrent
 * reapers, and user-space reaping must never run concurrently with {@code io_getevents} on the same context.
 *
 * <p><b>Cancel.</b> Linux never cancels file reads and writes ({@link CancelResult}); a buffer handed to the kernel
 * stays in use until its event is reaped or the context is destroyed.
 *
 * <p><b>Destroy.</b> {@link #close()} ({@code io_destroy}) blocks until every in-flight request has completed, and
 * discards their events (the eventfd is still signalled). After it returns the kernel touches no buffer again.
 */
public final class AioContext implements AutoCloseable {
    /** System property: {@code true} forces reaping through {@code io_getevents} instead of the user-space ring. */
    public static final String NO_RING_REAPING_PROP_NAME = "io.nettyaio.noRingReaping";
    private static final boolean NO_RING_REAPING = Boolean.getBoolean(NO_RING_REAPING_PROP_NAME);
    private static final VarHandle RING_INT =
            MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final int FALLBACK_EVENTS = 128;

    private final long ctx;
    private final int capacity;
    private final int ringSize;
    private final ByteBuffer ring;
    /** timespec for io_getevents (16 bytes) and io_cancel's result io_event (32 bytes). */
    private final NativeMemory scratch;
    private IoEventArray fallbackEvents;
    private boolean closed;

    private AioContext(long ctx, int capacity, NativeMemory scratch) {
        this.ctx = ctx;
        this.capacity = capacity;
        this.scratch = scratch;
        ByteBuffer header = MemoryIO.getInstance().newDirectByteBuffer(ctx, RING_HEADER_SIZE)
                .order(ByteOrder.LITTLE_ENDIAN);
        int nr = header.getInt(RING_NR);
        boolean usable = !NO_RING_REAPING && header.getInt(RING_MAGIC) == RING_MAGIC_VALUE
                && header.getInt(RING_INCOMPAT_FEATURES) == 0 && nr > 0;
        this.ringSize = nr;
        this.ring = usable
                ? MemoryIO.getInstance().newDirectByteBuffer(ctx, RING_HEADER_SIZE + nr * IO_EVENT_SIZE)
                        .order(ByteOrder.LITTLE_ENDIAN)
                : null;
    }

    /**
     * Creates a context ({@code io_setup}).
     *
     * @param capacity the number of requests the context must be able to hold in flight, 1 to 4194304; it is
     *                 charged against the system-wide {@code fs.aio-max-nr}
     * @return the context; the caller owns it and must {@link #close()} it
     * @throws IllegalArgumentException when capacity is out of range
     * @throws NativeIoException when io_setup fails; EAGAIN means the capacity exceeds what {@code fs.aio-max-nr}
     *                           leaves free, and the message says whether the request alone is too large or the
     *                           budget is taken, with {@code aio-nr}, {@code aio-max-nr} and the sysctl that raises it
     */
    public static AioContext open(int capacity) throws NativeIoException {
        if (capacity < 1 || capacity > 4194304) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: 1..4194304)");
        }
        NativeLoader.ensureLoaded();
        NativeMemory scratch = NativeMemory.allocate(64, 64);
        long id;
        try {
            Native.ioSetup(capacity, scratch.address());
            id = scratch.buffer().getLong(0);
        } catch (Throwable t) {
            scratch.free();
            throw t;
        }
        AioContext context = new AioContext(id, capacity, scratch);
        NativeResources.CONTEXTS.incrementAndGet();
        NativeResources.CONTEXT_EVENTS.addAndGet(capacity);
        return context;
    }

    /** @return the kernel's context id ({@code aio_context_t}), which is the address of its ring */
    public long id() {
        return ctx;
    }

    /** @return the capacity asked for: how many requests may be in flight at once, guaranteed */
    public int capacity() {
        return capacity;
    }

    /** @return the number of event slots in the kernel's ring (larger than the capacity) */
    public int ringSize() {
        return ringSize;
    }

    /** @return whether {@link #reap} reads the user-space ring (else it calls io_getevents) */
    public boolean usesRingReaping() {
        return ring != null;
    }

    /** @return whether {@link #close()} was called */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Submits {@code count} iocbs whose addresses are stored, as 64-bit values, at {@code iocbPointers}
     * ({@code io_submit}). Most callers use a {@link SubmissionQueue}, which handles short counts and bad iocbs.
     *
     * @param iocbPointers address of an array of {@code iocb*}
     * @param count how many to submit
     * @return how many the kernel accepted, from the front: fewer than {@code count} when the context is full or
     *         the next iocb is bad (submit the rest again to tell which); 0 when none fit (EAGAIN)
     * @throws NativeIoException when the <em>first</em> iocb is rejected (EBADF, EINVAL, EFAULT, EOPNOTSUPP...)
     */
    public int submit(long iocbPointers, int count) throws NativeIoException {
        ensureOpen();
        if (count == 0) {
            return 0;
        }
        int r = Native.ioSubmit(ctx, count, iocbPointers);
        return r == -Errno.EAGAIN ? 0 : r;
    }

    /**
     * Reaps every completed event, up to {@code max}, without blocking, calling {@code handler} once per event.
     *
     * @param handler receives each event after it was consumed from the ring
     * @param max the most events to reap in this call
     * @return the number of events delivered
     * @throws NativeIoException when the io_getevents fallback fails
     */
    public int reap(CompletionHandler handler, int max) throws NativeIoException {
        ensureOpen();
        return ring != null ? reapRing(handler, max) : reapSyscall(handler, max);
    }

    /**
     * Whether the user-space ring holds an event not yet reaped: one memory read, no system call. Always false where
     * the ring is not read ({@link #usesRingReaping()} false).
     *
     * @return whether {@link #reap} would deliver at least one event now
     */
    public boolean hasEvents() {
        ByteBuffer r = ring;
        return r != null && !closed && r.getInt(RING_HEAD) != (int) RING_INT.getAcquire(r, RING_TAIL);
    }

    /**
     * How many events the user-space ring holds now: one memory read, no system call.
     *
     * @return the events {@link #reap} would deliver now; 0 once closed; {@link Integer#MAX_VALUE} where the ring is
     *         not read ({@link #usesRingReaping()} false: only io_getevents can tell)
     */
    public int readyEvents() {
        ByteBuffer r = ring;
        if (r == null) {
            return Integer.MAX_VALUE;
        }
        if (closed) {
            return 0; // io_destroy unmapped the ring
        }
        int head = r.getInt(RING_HEAD);
        int tail = (int) RING_INT.getAcquire(r, RING_TAIL);
        return Math.floorMod(tail - head, ringSize);
    }

    /**
     * Where the kernel writes its next event. Read it before a submission and pass it to {@link #countEventsSince}
     * after, to learn how many of the submitted requests completed inside {@code io_submit} itself. Same thread as
     * {@link #reap}.
     *
     * @return the ring's tail now; -1 where the ring is not read ({@link #usesRingReaping()} false), once closed, or
     *         when the ring holds a tail outside it (never seen: the kernel keeps it below {@link #ringSize()})
     */
    public int ringTail() {
        ByteBuffer r = ring;
        if (r == null || closed) {
            return -1;
        }
        int tail = (int) RING_INT.getAcquire(r, RING_TAIL);
        return tail >= 0 && tail < ringSize ? tail : -1;
    }

    /**
     * Counts the events the kernel added to the ring since {@code tail} whose user data {@code filter} accepts,
     * without reaping them: a few memory reads, no system call, nothing allocated. Call it on the thread that reaps,
     * with a filter that does not reap: the count is of the events from {@code tail} to the ring's tail now, so an
     * event reaped since {@code tail} was read is counted if its slot still holds it, or its successor's is.
     *
     * @param tail a value of {@link #ringTail()}; -1 counts nothing
     * @param filter tests an event's user data ({@code aio_data}); called on this thread, once per event
     * @return how many events after {@code tail} the filter accepts; 0 where the ring is not read, or once closed
     * @throws IllegalArgumentException when {@code tail} is neither -1 nor a position in the ring, 0 to
     *                                  {@code ringSize() - 1}
     */
    public int countEventsSince(int tail, LongPredicate filter) {
        ByteBuffer r = ring;
        if (tail != -1 && (tail < 0 || tail >= ringSize)) {
            throw new IllegalArgumentException("tail: " + tail + " (expected: -1 or 0.." + (ringSize - 1) + ")");
        }
        if (r == null || closed || tail == -1) {
            return 0;
        }
        int now = ringTail();
        if (now == -1) {
            return 0;
        }
        int count = 0;
        for (int i = tail; i != now; i = i + 1 == ringSize ? 0 : i + 1) {
            if (filter.test(r.getLong(RING_HEADER_SIZE + i * IO_EVENT_SIZE + IO_EVENT_DATA))) {
                count++;
            }
        }
        return count;
    }

    private int reapRing(CompletionHandler handler, int max) {
        ByteBuffer r = ring;
        int nr = ringSize;
        int head = r.getInt(RING_HEAD);
        int tail = (int) RING_INT.getAcquire(r, RING_TAIL);
        int delivered = 0;
        while (head != tail && delivered < max) {
            if (head >= nr) {
                head %= nr; // the kernel keeps head in [0, nr); never trust more than that
            }
            int e = RING_HEADER_SIZE + head * IO_EVENT_SIZE;
            long data = r.getLong(e + IO_EVENT_DATA);
            long obj = r.getLong(e + IO_EVENT_OBJ);
            long res = r.getLong(e + IO_EVENT_RES);
            long res2 = r.getLong(e + IO_EVENT_RES2);
            head = head + 1 == nr ? 0 : head + 1;
            // Publish the new head before calling out, so the slot is free and the event is never seen twice
            RING_INT.setRelease(r, RING_HEAD, head);
            delivered++;
            handler.onCompletion(data, obj, res, res2);
            if (head == tail) {
                tail = (int) RING_INT.getAcquire(r, RING_TAIL);
            }
        }
        return delivered;
    }

    private int reapSyscall(CompletionHandler handler, int max) throws NativeIoException {
        if (fallbackEvents == null) {
            fallbackEvents = new IoEventArray(FALLBACK_EVENTS);
        }
        IoEventArray events = fallbackEvents;
        int delivered = 0;
        while (delivered < max) {
            int want = Math.min(events.capacity(), max - delivered);
            int n = getEvents(events, 0, want, 0);
            for (int i = 0; i < n; i++) {
                delivered++;
                handler.onCompletion(events.data(i), events.obj(i), events.res(i), events.res2(i));
            }
            if (n < want) {
                break;
            }
        }
        return delivered;
    }

    /**
     * Waits for events with {@code io_getevents}. Do not mix with {@link #reap} from another thread.
     *
     * @param events where the events are written
     * @param min the fewest events to wait for (0 to not wait)
     * @param max the most events to return, at most {@code events.capacity()}
     * @param timeoutNanos how long to wait at most; negative waits forever
     * @return the number of events written to {@code events}; fewer than {@code min} on timeout or EINTR
     * @throws IllegalArgumentException when min/max are out of range
     * @throws NativeIoException when io_getevents fails (EINVAL once the context is destroyed)
     */
    public int getEvents(IoEventArray events, int min, int max, long timeoutNanos) throws NativeIoException {
        ensureOpen();
        if (max < 0 || max > events.capacity()) {
            throw new IllegalArgumentException("max: " + max + " (expected: 0.." + events.capacity() + ")");
        }
        if (min < 0 || min > max) {
            throw new IllegalArgumentException("min: " + min + " (expected: 0.." + max + ")");
        }
        long timespec = 0;
        if (timeoutNanos >= 0) {
            ByteBuffer s = scratch.buffer();
            s.putLong(0, timeoutNanos / 1_000_000_000L);
            s.putLong(8, timeoutNanos % 1_000_000_000L);
            timespec = scratch.address();
        }
        return Native.ioGetevents(ctx, min, max, events.address(), timespec);
    }

    /**
     * Tries to cancel a submitted request ({@code io_cancel}). File reads and writes are never cancellable on
     * Linux: expect {@link CancelResult#NOT_CANCELLABLE}, and keep the request's memory until its event is reaped.
     *
     * @param iocbAddress the address of the submitted iocb
     * @return what happened
     * @throws NativeIoException for errors other than EINVAL, EINPROGRESS and EAGAIN
     */
    public CancelResult cancel(long iocbAddress) throws NativeIoException {
        ensureOpen();
        int r = Native.ioCancel(ctx, iocbAddress, scratch.address() + 16);
        if (r == 0) {
            return CancelResult.CANCELLED;
        }
        return r == -Errno.EINPROGRESS ? CancelResult.IN_PROGRESS : CancelResult.NOT_CANCELLABLE;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("AIO context 0x" + Long.toHexString(ctx) + " is destroyed");
        }
    }

    /**
     * Destroys the context ({@code io_destroy}): blocks until every in-flight request has completed, discards
     * their events, and frees this object's memory. Idempotent.
     *
     * @throws NativeIoException when io_destroy fails (the memory is freed anyway)
     */
    @Override
    public void close() throws NativeIoException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Native.ioDestroy(ctx);
        } finally {
            NativeResources.CONTEXTS.decrementAndGet();
            NativeResources.CONTEXT_EVENTS.addAndGet(-capacity);
            scratch.free();
            if (fallbackEvents != null) {
                fallbackEvents.free();
            }
        }
    }
}
