package io.nettyaio.channel;

/**
 * When the Linux AIO engine hands what it prepared to the kernel, besides the end of each loop turn. By default it
 * adapts. A request is submitted at once while the kernel holds none of the loop's requests (the device idles), and
 * a request re-issued by a completion handler while a reap runs is submitted at once while the kernel holds fewer
 * than {@value #SHALLOW}: the device has idle slots, and waiting for the end of the turn only delays it (at depth 4
 * on the test disk, at once was 1.06× fio and the end of the turn 0.97×). Deeper, such requests go in batches of
 * about half the completions a reap brings (the device's pace per loop turn), at least {@value #MIN_BATCH} (few
 * system calls per request) and at most {@value #MAX_BATCH}: a device that completes in bursts gets work back while
 * the rest of the burst is handled, instead of after it. Requests made by tasks go at the end of the turn, one
 * {@code io_submit} for all of them. A device that completes requests inside {@code io_submit}
 * itself (zram, a page-cache hit) gains nothing from early submission and pays its system calls: when most of what
 * the last submissions carried was already complete on return (their own events in the ring, not those of earlier
 * requests that completed meanwhile; where the ring is not read this is never learned), requests wait for the end of
 * the turn again, unless the kernel holds none. With {@code -Dio.nettyaio.submitBatch=N} the batch is N, wherever requests come from, and 0
 * submits only at the end of the turn. Loop thread only.
 */
final class SubmitPolicy {
    static final int MIN_BATCH = 4;
    static final int MAX_BATCH = 16;
    /** Below this many requests in the kernel, what handlers re-issue during a reap is submitted at once. */
    static final int SHALLOW = 8;
    /** Completions per reap, times 16, as a moving average over about 8 reaps that found something. */
    private int perReapX16 = MIN_BATCH * 2 * 16;
    private final int fixed;
    private boolean reaping;
    /** The share of requests complete on io_submit's return, in 256ths, as a moving average over ~8 submissions. */
    private int inSubmitPer256;

    /** @param fixed the batch from the property, or a negative value to adapt */
    SubmitPolicy(int fixed) {
        this.fixed = fixed;
    }

    /** A reap starts: completion handlers run until {@link #reapEnded}. */
    void reapStarted() {
        reaping = true;
    }

    /** The reap delivered {@code completions} events. */
    void reapEnded(int completions) {
        reaping = false;
        if (completions > 0) {
            perReapX16 += (completions * 16 - perReapX16) >> 3;
        }
    }

    /** An io_submit carried {@code submitted} requests, of which {@code completed} were complete on its return. */
    void submitted(int submitted, int completed) {
        if (submitted > 0) {
            int sample = Math.max(0, Math.min(completed, submitted)) * 256 / submitted;
            inSubmitPer256 += (sample - inSubmitPer256) >> 3;
        }
    }

    /**
     * @param pending prepared requests not yet submitted
     * @param inKernel requests submitted and not yet reaped
     * @return whether to submit now rather than at the end of the turn
     */
    boolean submitNow(int pending, int inKernel) {
        if (fixed >= 0) {
            return fixed > 0 && pending >= fixed;
        }
        if (inKernel == 0) {
            return true;
        }
        boolean completesInSubmit = inSubmitPer256 >= 128;
        return reaping && !completesInSubmit && (inKernel < SHALLOW || pending >= batch());
    }

    /** @return the adaptive batch now */
    int batch() {
        return Math.max(MIN_BATCH, Math.min(MAX_BATCH, perReapX16 >> 5));
    }
}
