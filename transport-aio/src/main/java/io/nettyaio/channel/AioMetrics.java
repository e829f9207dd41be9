package io.nettyaio.channel;

import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Counters of one completion loop's engines. Only the loop thread writes them, each with a release store; a reader on
 * any thread sees every counter as of some recent moment (each one is at most one loop turn old, but two counters
 * read one after the other are not a consistent snapshot). Updating them allocates nothing and takes no lock.
 *
 * <p>A loop that could not have what Linux AIO needs when it started ({@code fs.aio-max-nr} used up, no descriptor
 * free) runs the blocking engine meanwhile and switches to Linux AIO when it can; the counters cover both, and
 * {@link #engine()} names the one new requests go to. {@link #degradations()} and {@link #lastDegradation()} say
 * when and why the loop does less than it could.
 *
 * <p>{@link #snapshot()} reads them all into one value; {@link #latencyListener(AioLatencyListener)} adds per-request
 * latency, measured only while a listener is installed.
 */
public final class AioMetrics {
    private static final VarHandle COUNTERS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final int SUBMITTED = 0;
    private static final int COMPLETED = 1;
    private static final int FAILED = 2;
    private static final int SUBMIT_CALLS = 3;
    private static final int REAP_CALLS = 4;
    private static final int SHORT_SUBMITS = 5;
    private static final int EAGAIN_RETRIES = 6;
    private static final int SHORT_WRITES = 7;
    private static final int QUEUED_HIGH_WATER = 8;
    private static final int NOWAIT_FALLBACKS = 9;
    private static final int SUBMIT_NANOS_MAX = 10;
    private static final int CACHED_READS = 11;
    private static final int BLOCKING_SUBMITTED = 12;
    private static final int IN_FLIGHT = 13;
    private static final int QUEUED = 14;
    private static final int DEGRADATIONS = 15;
    private static final int BUSY_POLLS = 16;
    private static final int BUSY_POLL_HITS = 17;
    private static final int BUSY_POLL_NANOS = 18;
    private static final int COUNT = 19;

    private final long[] counters = new long[COUNT];
    private volatile String engine;
    private volatile String lastDegradation;

    AioMetrics(String engine) {
        this.engine = engine;
    }

    /** The loop switched engines (the blocking engine it started on, to Linux AIO). Loop thread. */
    void engine(String engine) {
        this.engine = engine;
    }

    private long get(int counter) {
        return (long) COUNTERS.getAcquire(counters, counter);
    }

    /** Loop thread only: a plain read of its own last write, then a release store. */
    private void add(int counter, long delta) {
        COUNTERS.setRelease(counters, counter, counters[counter] + delta);
    }

    private void set(int counter, long value) {
        COUNTERS.setRelease(counters, counter, value);
    }

    // ---- updates, loop thread only ----

    void recordSubmit(int n, int calls, int shortSubmits, int eagains, long nanos) {
        add(SUBMITTED, n);
        add(SUBMIT_CALLS, calls);
        add(SHORT_SUBMITS, shortSubmits);
        add(EAGAIN_RETRIES, eagains);
        if (nanos > counters[SUBMIT_NANOS_MAX]) {
            set(SUBMIT_NANOS_MAX, nanos);
        }
    }

    void recordCompleted() {
        add(COMPLETED, 1);
    }

    void recordFailed() {
        add(FAILED, 1);
    }

    void recordReap() {
        add(REAP_CALLS, 1);
    }

    void recordShortWrite() {
        add(SHORT_WRITES, 1);
    }

    void recordNowaitFallback() {
        add(NOWAIT_FALLBACKS, 1);
    }

    void recordCachedRead() {
        add(CACHED_READS, 1);
    }

    void recordBlockingSubmitted() {
        add(BLOCKING_SUBMITTED, 1);
    }

    /** The loop busy-polled {@code nanos} before it found work ({@code hit}) or went to sleep. */
    void recordBusyPoll(long nanos, boolean hit) {
        add(BUSY_POLLS, 1);
        add(BUSY_POLL_NANOS, nanos);
        if (hit) {
            add(BUSY_POLL_HITS, 1);
        }
    }

    void addInFlight(int delta) {
        add(IN_FLIGHT, delta);
    }

    /** The loop does less than it could from now on, for the reason described. */
    void recordDegradation(String description) {
        lastDegradation = description;
        add(DEGRADATIONS, 1);
    }

    void setQueued(int size) {
        set(QUEUED, size);
        if (size > counters[QUEUED_HIGH_WATER]) {
            set(QUEUED_HIGH_WATER, size);
        }
    }

    // ---- reads, any thread ----

    /**
     * @return the engine new requests go to: {@code "linux-aio"} or {@code "blocking"} (the fallback, where Linux AIO
     *         is unavailable, or until a loop that started short of a resource gets it)
     */
    public String engine() {
        return engine;
    }

    /**
     * @return how often this loop came to do less than it could: it started on the blocking engine because Linux AIO
     *         was unavailable (a refused system call, not the {@code io.nettyaio.noAio} switch) or short of a
     *         resource ({@code fs.aio-max-nr}, descriptors), or gave up a feature a system call refused (the
     *         {@code preadv2} read of cached pages). Each kind is also logged at WARN, once per process
     */
    public long degradations() {
        return get(DEGRADATIONS);
    }

    /** @return the cause and remedy of the latest of {@link #degradations()}, or {@code null} when there was none */
    public String lastDegradation() {
        return lastDegradation;
    }

    /** @return requests handed to the kernel (a continued short write counts again) */
    public long submitted() {
        return get(SUBMITTED);
    }

    /** @return requests completed successfully */
    public long completed() {
        return get(COMPLETED);
    }

    /** @return requests failed (kernel errors, closed channel, cancelled before submission) */
    public long failed() {
        return get(FAILED);
    }

    /** @return io_submit system calls made */
    public long submitCalls() {
        return get(SUBMIT_CALLS);
    }

    /** @return reap passes over the completion ring */
    public long reapCalls() {
        return get(REAP_CALLS);
    }

    /** @return io_submit calls that accepted only part of the batch */
    public long shortSubmits() {
        return get(SHORT_SUBMITS);
    }

    /** @return io_submit calls that accepted nothing (EAGAIN) and were retried after completions */
    public long eagainRetries() {
        return get(EAGAIN_RETRIES);
    }

    /** @return writes the kernel completed short, whose remainder was submitted again */
    public long shortWrites() {
        return get(SHORT_WRITES);
    }

    /**
     * @return RWF_NOWAIT attempts the kernel declined (EAGAIN, EOPNOTSUPP, a short buffered read), whose rest
     *         went to the blocking executor
     */
    public long nowaitFallbacks() {
        return get(NOWAIT_FALLBACKS);
    }

    /** @return operations handed to the blocking executor (NOWAIT fallbacks, truncate, allocate, fallback engine) */
    public long blockingSubmitted() {
        return get(BLOCKING_SUBMITTED);
    }

    /** @return buffered reads served from the page cache by a synchronous preadv2(RWF_NOWAIT) on the loop */
    public long cachedReads() {
        return get(CACHED_READS);
    }

    /** @return the longest time one flush spent inside io_submit, in nanoseconds: the loop could not run then */
    public long submitNanosMax() {
        return get(SUBMIT_NANOS_MAX);
    }

    /**
     * @return how many times the loop busy-polled before it would have slept ({@code io.nettyaio.busyPollMicros}, off
     *         by default; see {@link AioEventLoop})
     */
    public long busyPolls() {
        return get(BUSY_POLLS);
    }

    /** @return busy polls that found work (a completion, a task, a due scheduled task) before their bound */
    public long busyPollHits() {
        return get(BUSY_POLL_HITS);
    }

    /** @return the loop's time spent busy-polling, in nanoseconds: CPU time it spent instead of sleeping */
    public long busyPollNanos() {
        return get(BUSY_POLL_NANOS);
    }

    /** @return requests in the kernel now */
    public int inFlight() {
        return (int) get(IN_FLIGHT);
    }

    /** @return requests waiting for a free slot now (back-pressure) */
    public int queued() {
        return (int) get(QUEUED);
    }

    /** @return the most requests that ever waited for a slot at once */
    public long queuedHighWater() {
        return get(QUEUED_HIGH_WATER);
    }

    // ---- snapshot and latency listener ----

    /**
     * @return every counter, read now, as one immutable value (see {@link AioMetricsSnapshot} for how fresh); its
     *         {@code toString()} names them all
     */
    public AioMetricsSnapshot snapshot() {
        return new AioMetricsSnapshot(this);
    }

    private static final InternalLogger logger = InternalLoggerFactory.getInstance(AioMetrics.class);
    /** Read once per request on the loop: while it is null no timestamp is taken. */
    private volatile AioLatencyListener latencyListener;

    /**
     * Installs the listener told the latency of each request of this loop, replacing the one installed before; one
     * listener per loop (a Micrometer binder fans out to its registries itself). Any thread; requests the loop
     * accepts from then on are measured.
     *
     * @param listener the listener, or {@code null} to stop measuring
     */
    public void latencyListener(AioLatencyListener listener) {
        latencyListener = listener;
    }

    /** @return the installed latency listener, or {@code null} */
    public AioLatencyListener latencyListener() {
        return latencyListener;
    }

    /** Loop thread, once per accepted request: its start, or 0 (no timestamp taken) while no listener is installed. */
    long latencyStart() {
        return latencyListener != null ? System.nanoTime() | 1 : 0;
    }

    /** Loop thread, once per finished request: tells the listener how long it took since {@code start}, if measured. */
    void recordLatency(long start) {
        if (start != 0) {
            AioLatencyListener listener = latencyListener;
            if (listener != null) {
                try {
                    listener.requestFinished(System.nanoTime() - start);
                } catch (Throwable t) {
                    logger.warn("AioLatencyListener {} threw; the request completes anyway", listener, t);
                }
            }
        }
    }

    @Override
    public String toString() {
        return "AioMetrics(engine " + engine + ", submitted " + submitted() + ", completed " + completed()
                + ", failed " + failed() + ", inFlight " + inFlight() + ", queued " + queued() + ", submitCalls "
                + submitCalls() + ", reapCalls " + reapCalls() + ", shortSubmits " + shortSubmits()
                + ", eagainRetries " + eagainRetries() + ", shortWrites " + shortWrites() + ", cachedReads "
                + cachedReads() + ", nowaitFallbacks " + nowaitFallbacks() + ", blockingSubmitted "
                + blockingSubmitted() + ", degradations " + degradations() + ")";
    }
}
