package io.nettyaio.channel;

/**
 * Told how long each request of one loop took, while installed with
 * {@link AioMetrics#latencyListener(AioLatencyListener)}: from the moment the loop accepted the request to the moment
 * it was finished, just before its promise or handler is completed. Requests failed before the loop accepted them
 * (bad input, a closed channel) are not reported.
 *
 * <p>Called on the completion loop's thread, once per request: it must be quick, must not block, and should not
 * allocate (a Micrometer {@code Timer.record(long, TimeUnit)}, an HdrHistogram {@code recordValue}). An exception it
 * throws is logged and otherwise ignored. While no listener is installed the loop takes no timestamps at all.
 */
@FunctionalInterface
public interface AioLatencyListener {
    /**
     * @param nanos the request's latency in nanoseconds
     */
    void requestFinished(long nanos);
}
