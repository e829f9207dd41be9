package io.nettyaio.examples.bench;

import org.HdrHistogram.Histogram;

import java.util.Locale;

/**
 * The summary of one measured window, with the JSON form that {@code compare.sh} reads. Latencies are in
 * microseconds; {@code cpuSeconds} is the whole process's user + system time during the window.
 *
 * @param engine          the engine's flag value
 * @param rw              the pattern's flag value
 * @param bs              bytes per request
 * @param iodepth         requests in flight per loop
 * @param loops           loops or independent issuers
 * @param direct          O_DIRECT
 * @param ops             requests completed in the window
 * @param seconds         length of the window
 * @param latUsP50        median latency
 * @param latUsP99        99th percentile latency
 * @param latUsP999       99.9th percentile latency
 * @param latUsMax        longest latency
 * @param cpuSeconds      process CPU time in the window, NaN when unknown
 * @param loopStallUsMax  the longest lateness of a task on the completion loop (see the usage text)
 * @param ioEngine        the library engine the requests ran on ({@code linux-aio}, {@code io_uring},
 *                        {@code blocking}), or {@code null} for the JDK engines
 */
public record BenchResult(String engine, String rw, int bs, int iodepth, int loops, boolean direct, long ops,
                          double seconds, double latUsP50, double latUsP99, double latUsP999, double latUsMax,
                          double cpuSeconds, double loopStallUsMax, String ioEngine) {

    static BenchResult of(BenchOptions o, Histogram latencyNanos, double seconds, double cpuSeconds,
                          long stallNanos) {
        long ops = latencyNanos.getTotalCount();
        return new BenchResult(o.engine().flagValue(), o.pattern().flagValue(), o.bs(), o.iodepth(), o.loops(),
                o.direct(), ops, seconds, micros(latencyNanos, 50), micros(latencyNanos, 99),
                micros(latencyNanos, 99.9), ops == 0 ? 0 : latencyNanos.getMaxValue() / 1e3, cpuSeconds,
                stallNanos / 1e3, null);
    }

    /**
     * Returns this result with the library engine named.
     *
     * @param name the engine's name, or {@code null}
     * @return a copy with {@code ioEngine} set
     */
    public BenchResult withIoEngine(String name) {
        return new BenchResult(engine, rw, bs, iodepth, loops, direct, ops, seconds, latUsP50, latUsP99, latUsP999,
                latUsMax, cpuSeconds, loopStallUsMax, name);
    }

    private static double micros(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile) / 1e3;
    }

    /**
     * Returns requests per second.
     *
     * @return ops / seconds
     */
    public double iops() {
        return seconds > 0 ? ops / seconds : 0;
    }

    /**
     * Returns the throughput.
     *
     * @return MiB (2^20 bytes) per second
     */
    public double mibPerS() {
        return iops() * bs / (1024.0 * 1024.0);
    }

    /**
     * Returns the CPU cost of one request.
     *
     * @return process CPU microseconds per completed request, NaN when nothing completed or CPU time is unknown
     */
    public double cpuUsPerOp() {
        return ops == 0 ? Double.NaN : cpuSeconds * 1e6 / ops;
    }

    /**
     * Returns this result as one JSON object on one line, with the keys of the {@code --json} contract in order:
     * {@code engine io_engine rw bs iodepth direct ops seconds iops mib_per_s lat_us_p50 lat_us_p99 lat_us_p999
     * lat_us_max cpu_seconds cpu_us_per_op loop_stall_us_max}. Unknown values are {@code null}.
     *
     * @return the JSON text
     */
    public String toJson() {
        StringBuilder sb = new StringBuilder(384).append('{');
        string(sb, "engine", engine).append(',');
        if (ioEngine == null) {
            sb.append("\"io_engine\":null,");
        } else {
            string(sb, "io_engine", ioEngine).append(',');
        }
        string(sb, "rw", rw).append(',');
        sb.append("\"bs\":").append(bs).append(',');
        sb.append("\"iodepth\":").append(iodepth).append(',');
        sb.append("\"direct\":").append(direct).append(',');
        sb.append("\"ops\":").append(ops).append(',');
        number(sb, "seconds", seconds, 3).append(',');
        number(sb, "iops", iops(), 1).append(',');
        number(sb, "mib_per_s", mibPerS(), 2).append(',');
        number(sb, "lat_us_p50", latUsP50, 1).append(',');
        number(sb, "lat_us_p99", latUsP99, 1).append(',');
        number(sb, "lat_us_p999", latUsP999, 1).append(',');
        number(sb, "lat_us_max", latUsMax, 1).append(',');
        number(sb, "cpu_seconds", cpuSeconds, 3).append(',');
        number(sb, "cpu_us_per_op", cpuUsPerOp(), 3).append(',');
        number(sb, "loop_stall_us_max", loopStallUsMax, 1);
        return sb.append('}').toString();
    }

    private static StringBuilder string(StringBuilder sb, String key, String value) {
        sb.append('"').append(key).append("\":\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"');
    }

    private static StringBuilder number(StringBuilder sb, String key, double value, int decimals) {
        sb.append('"').append(key).append("\":");
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return sb.append("null");
        }
        return sb.append(String.format(Locale.ROOT, "%." + decimals + "f", value));
    }
}
