package io.nettyaio.channel;

/**
 * Counters of one completion loop. Written only by the loop thread with plain stores, so reading them from another
 * thread gives a recent, not an exact, picture; no counter allocates or synchronizes.
 */
public final class AioMetrics {
    long submitted;
    long completed;
    long failed;
    long submitCalls;
    long reapCalls;
    long shortSubmits;
    long eagainRetries;
    long shortWrites;
    long queuedHighWater;
    long nowaitFallbacks;
    long submitNanosMax;
    long cachedReads;
    long blockingSubmitted;
    int inFlight;
    int queued;

    AioMetrics() { }

    /** @return requests handed to the kernel (a continued short write counts again) */
    public long submitted() {
        return submitted;
    }

    /** @return requests completed successfully */
    public long completed() {
        return completed;
    }

    /** @return requests failed (kernel errors, closed channel, cancelled before submission) */
    public long failed() {
        return failed;
    }

    /** @return io_submit system calls made */
    public long submitCalls() {
        return submitCalls;
    }

    /** @return reap passes over the completion ring */
    public long reapCalls() {
        return reapCalls;
    }

    /** @return io_submit calls that accepted only part of the batch */
    public long shortSubmits() {
        return shortSubmits;
    }

    /** @return io_submit calls that accepted nothing (EAGAIN) and were retried after completions */
    public long eagainRetries() {
        return eagainRetries;
    }

    /** @return writes the kernel completed short, whose remainder was submitted again */
    public long shortWrites() {
        return shortWrites;
    }

    /**
     * @return RWF_NOWAIT attempts the kernel declined (EAGAIN, EOPNOTSUPP, a short buffered read), whose rest
     *         went to the blocking executor
     */
    public long nowaitFallbacks() {
        return nowaitFallbacks;
    }

    /** @return operations handed to the blocking executor (NOWAIT fallbacks, truncate, allocate, fallback engine) */
    public long blockingSubmitted() {
        return blockingSubmitted;
    }

    /** @return buffered reads served from the page cache by a synchronous preadv2(RWF_NOWAIT) on the loop */
    public long cachedReads() {
        return cachedReads;
    }

    /** @return the longest time one flush spent inside io_submit, in nanoseconds: the loop could not run then */
    public long submitNanosMax() {
        return submitNanosMax;
    }

    /** @return requests in the kernel now */
    public int inFlight() {
        return inFlight;
    }

    /** @return requests waiting for a free slot now (back-pressure) */
    public int queued() {
        return queued;
    }

    /** @return the most requests that ever waited for a slot at once */
    public long queuedHighWater() {
        return queuedHighWater;
    }

    @Override
    public String toString() {
        return "AioMetrics(submitted " + submitted + ", completed " + completed + ", failed " + failed
                + ", inFlight " + inFlight + ", queued " + queued + ", submitCalls " + submitCalls
                + ", reapCalls " + reapCalls + ", shortSubmits " + shortSubmits + ", eagainRetries " + eagainRetries
                + ", shortWrites " + shortWrites + ", cachedReads " + cachedReads + ", nowaitFallbacks " + nowaitFallbacks + ", blockingSubmitted "
                + blockingSubmitted + ")";
    }
}
