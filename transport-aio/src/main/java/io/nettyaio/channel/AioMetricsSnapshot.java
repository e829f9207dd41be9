package io.nettyaio.channel;

/**
 * Every counter of one loop's {@link AioMetrics} at one moment, as an immutable value: what a health endpoint or a
 * log line prints ({@link #toString()}), or what two readings are compared by. Taken with
 * {@link AioMetrics#snapshot()}.
 *
 * <p>Each counter is read once, with acquire semantics, one after the other: on the loop's own thread the snapshot
 * is exact; from another thread each counter is at most one loop turn old, and counters that move together (a
 * completion and the in-flight count) may be one request apart.
 */
public final class AioMetricsSnapshot {
    private final String engine;
    private final long submitted;
    private final long completed;
    private final long failed;
    private final int inFlight;
    private final int queued;
    private final long queuedHighWater;
    private final long submitCalls;
    private final long reapCalls;
    private final long shortSubmits;
    private final long eagainRetries;
    private final long shortWrites;
    private final long cachedReads;
    private final long nowaitFallbacks;
    private final long blockingSubmitted;
    private final long submitNanosMax;
    private final long degradations;
    private final long busyPolls;
    private final long busyPollHits;
    private final long busyPollNanos;

    AioMetricsSnapshot(AioMetrics m) {
        this.engine = m.engine();
        this.submitted = m.submitted();
        this.completed = m.completed();
        this.failed = m.failed();
        this.inFlight = m.inFlight();
        this.queued = m.queued();
        this.queuedHighWater = m.queuedHighWater();
        this.submitCalls = m.submitCalls();
        this.reapCalls = m.reapCalls();
        this.shortSubmits = m.shortSubmits();
        this.eagainRetries = m.eagainRetries();
        this.shortWrites = m.shortWrites();
        this.cachedReads = m.cachedReads();
        this.nowaitFallbacks = m.nowaitFallbacks();
        this.blockingSubmitted = m.blockingSubmitted();
        this.submitNanosMax = m.submitNanosMax();
        this.degradations = m.degradations();
        this.busyPolls = m.busyPolls();
        this.busyPollHits = m.busyPollHits();
        this.busyPollNanos = m.busyPollNanos();
    }

    /** @return see {@link AioMetrics#degradations()} */
    public long degradations() {
        return degradations;
    }

    /** @return see {@link AioMetrics#engine()} */
    public String engine() {
        return engine;
    }

    /** @return see {@link AioMetrics#submitted()} */
    public long submitted() {
        return submitted;
    }

    /** @return see {@link AioMetrics#completed()} */
    public long completed() {
        return completed;
    }

    /** @return see {@link AioMetrics#failed()} */
    public long failed() {
        return failed;
    }

    /** @return see {@link AioMetrics#inFlight()} */
    public int inFlight() {
        return inFlight;
    }

    /** @return see {@link AioMetrics#queued()} */
    public int queued() {
        return queued;
    }

    /** @return see {@link AioMetrics#queuedHighWater()} */
    public long queuedHighWater() {
        return queuedHighWater;
    }

    /** @return see {@link AioMetrics#submitCalls()} */
    public long submitCalls() {
        return submitCalls;
    }

    /** @return see {@link AioMetrics#reapCalls()} */
    public long reapCalls() {
        return reapCalls;
    }

    /** @return see {@link AioMetrics#shortSubmits()} */
    public long shortSubmits() {
        return shortSubmits;
    }

    /** @return see {@link AioMetrics#eagainRetries()} */
    public long eagainRetries() {
        return eagainRetries;
    }

    /** @return see {@link AioMetrics#shortWrites()} */
    public long shortWrites() {
        return shortWrites;
    }

    /** @return see {@link AioMetrics#cachedReads()} */
    public long cachedReads() {
        return cachedReads;
    }

    /** @return see {@link AioMetrics#nowaitFallbacks()} */
    public long nowaitFallbacks() {
        return nowaitFallbacks;
    }

    /** @return see {@link AioMetrics#blockingSubmitted()} */
    public long blockingSubmitted() {
        return blockingSubmitted;
    }

    /** @return see {@link AioMetrics#submitNanosMax()} */
    public long submitNanosMax() {
        return submitNanosMax;
    }

    /** @return see {@link AioMetrics#busyPolls()} */
    public long busyPolls() {
        return busyPolls;
    }

    /** @return see {@link AioMetrics#busyPollHits()} */
    public long busyPollHits() {
        return busyPollHits;
    }

    /** @return see {@link AioMetrics#busyPollNanos()} */
    public long busyPollNanos() {
        return busyPollNanos;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof AioMetricsSnapshot)) {
            return false;
        }
        AioMetricsSnapshot s = (AioMetricsSnapshot) o;
        return engine.equals(s.engine) && submitted == s.submitted && completed == s.completed && failed == s.failed
                && inFlight == s.inFlight && queued == s.queued && queuedHighWater == s.queuedHighWater
                && submitCalls == s.submitCalls && reapCalls == s.reapCalls && shortSubmits == s.shortSubmits
                && eagainRetries == s.eagainRetries && shortWrites == s.shortWrites && cachedReads == s.cachedReads
                && nowaitFallbacks == s.nowaitFallbacks && blockingSubmitted == s.blockingSubmitted
                && submitNanosMax == s.submitNanosMax && degradations == s.degradations && busyPolls == s.busyPolls
                && busyPollHits == s.busyPollHits && busyPollNanos == s.busyPollNanos;
    }

    @Override
    public int hashCode() {
        long h = engine.hashCode();
        for (long v : new long[] {submitted, completed, failed, inFlight, queued, queuedHighWater, submitCalls,
            reapCalls, shortSubmits, eagainRetries, shortWrites, cachedReads, nowaitFallbacks, blockingSubmitted,
            submitNanosMax, degradations, busyPolls, busyPollHits, busyPollNanos}) {
            h = 31 * h + v;
        }
        return Long.hashCode(h);
    }

    /** @return every counter, named, on one line: {@code AioMetrics.Snapshot(engine linux-aio, submitted 12, ...)} */
    @Override
    public String toString() {
        return "AioMetrics.Snapshot(engine " + engine + ", submitted " + submitted + ", completed " + completed
                + ", failed " + failed + ", inFlight " + inFlight + ", queued " + queued + ", queuedHighWater "
                + queuedHighWater + ", submitCalls " + submitCalls + ", reapCalls " + reapCalls + ", shortSubmits "
                + shortSubmits + ", eagainRetries " + eagainRetries + ", shortWrites " + shortWrites
                + ", cachedReads " + cachedReads + ", nowaitFallbacks " + nowaitFallbacks + ", blockingSubmitted "
                + blockingSubmitted + ", submitNanosMax " + submitNanosMax + ", degradations " + degradations
                + ", busyPolls " + busyPolls + ", busyPollHits " + busyPollHits + ", busyPollNanos " + busyPollNanos
                + ")";
    }
}
