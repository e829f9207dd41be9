package io.nettyaio.channel.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.netty.util.concurrent.EventExecutor;
import io.nettyaio.channel.AioEventLoop;
import io.nettyaio.channel.AioEventLoopGroup;
import io.nettyaio.channel.AioLatencyListener;
import io.nettyaio.channel.AioMetrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Exports the {@link AioMetrics} of each loop to Micrometer, tagged {@code loop} (its index in the group, or the
 * name given) and {@code engine} ({@code linux-aio}, {@code io_uring} or {@code blocking}, as it was when bound):
 * <ul>
 * <li>{@code aio.requests.submitted}, {@code aio.requests.completed}, {@code aio.requests.failed} (function
 *     counters): requests handed to the kernel (a continued short write counts again), completed, failed;</li>
 * <li>{@code aio.requests.inflight}, {@code aio.requests.queued} (gauges): in the kernel now, waiting for a slot
 *     now;</li>
 * <li>{@code aio.requests.blocking} (function counter): operations run on the blocking lane (NOWAIT fallbacks,
 *     truncate, allocate, the blocking engine), and {@code aio.requests.fallbacks}: RWF_NOWAIT attempts the kernel
 *     declined;</li>
 * <li>{@code aio.submit.calls} (function counter): io_submit system calls;</li>
 * <li>{@code aio.loop.busypoll} (function counter, seconds): time the loop spent busy-polling for completions
 *     instead of sleeping ({@code io.nettyaio.busyPollMicros}, off by default);</li>
 * <li>{@code aio.request.latency} (timer): from the loop's acceptance of a request to its completion.</li>
 * </ul>
 *
 * <pre>
 * AioEventLoopGroup group = new AioEventLoopGroup();
 * AioMetricsBinder binder = new AioMetricsBinder(group);
 * binder.bindTo(registry);
 * ...
 * binder.close();   // stops measuring latency; the meters stay in the registry
 * </pre>
 *
 * <p>Counters and gauges read the loop's counters when the registry polls them and cost the loop nothing. The
 * latency timer installs an {@link AioLatencyListener} on each loop ({@link AioMetrics#latencyListener}, replacing
 * any other): from then on the loop takes two timestamps per request and records into the timer on its own thread,
 * with no allocation. {@link #close()} removes it again.
 *
 * <p>Micrometer is an optional dependency of {@code transport-aio}: this class, the only one that needs it, is
 * loaded only by those who use it.
 */
public final class AioMetricsBinder implements MeterBinder, AutoCloseable {
    private final Map<String, AioMetrics> loops;
    private final Tags tags;
    private final List<TimerFanOut> listeners = new ArrayList<>();

    /**
     * Binds every loop of {@code group}, tagged {@code loop=0..n-1}.
     *
     * @param group the loops to export
     */
    public AioMetricsBinder(AioEventLoopGroup group) {
        this(group, Collections.emptyList());
    }

    /**
     * @param group the loops to export
     * @param tags added to every meter, e.g. {@code Tags.of("group", "storage")} to tell groups apart
     */
    public AioMetricsBinder(AioEventLoopGroup group, Iterable<Tag> tags) {
        this(loopsOf(group), tags);
    }

    /**
     * Binds loops given by name: for example the metrics of files opened on Netty epoll or io_uring loops, which
     * {@link io.nettyaio.channel.AioFileChannel#metrics()} returns.
     *
     * @param loops each loop's metrics under the value of its {@code loop} tag
     * @param tags added to every meter
     */
    public AioMetricsBinder(Map<String, AioMetrics> loops, Iterable<Tag> tags) {
        this.loops = Collections.unmodifiableMap(new LinkedHashMap<>(loops));
        this.tags = Tags.of(tags);
    }

    private static Map<String, AioMetrics> loopsOf(AioEventLoopGroup group) {
        Map<String, AioMetrics> loops = new LinkedHashMap<>();
        int i = 0;
        for (EventExecutor e : group) {
            loops.put(Integer.toString(i++), ((AioEventLoop) e).metrics());
        }
        return loops;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (Map.Entry<String, AioMetrics> loop : loops.entrySet()) {
            AioMetrics m = loop.getValue();
            Tags t = tags.and("loop", loop.getKey(), "engine", m.engine());
            counter(registry, "aio.requests.submitted", "Requests handed to the kernel", m, AioMetrics::submitted, t);
            counter(registry, "aio.requests.completed", "Requests completed successfully", m, AioMetrics::completed,
                    t);
            counter(registry, "aio.requests.failed", "Requests failed", m, AioMetrics::failed, t);
            counter(registry, "aio.requests.blocking", "Operations run on the blocking lane", m,
                    AioMetrics::blockingSubmitted, t);
            counter(registry, "aio.requests.fallbacks", "RWF_NOWAIT attempts the kernel declined", m,
                    AioMetrics::nowaitFallbacks, t);
            counter(registry, "aio.submit.calls", "io_submit system calls", m, AioMetrics::submitCalls, t);
            FunctionCounter.builder("aio.loop.busypoll", m, x -> x.busyPollNanos() / 1e9).tags(t)
                    .description("Time the loop spent busy-polling instead of sleeping").baseUnit("seconds")
                    .register(registry);
            Gauge.builder("aio.requests.inflight", m, AioMetrics::inFlight).tags(t)
                    .description("Requests in the kernel now").baseUnit("requests").register(registry);
            Gauge.builder("aio.requests.queued", m, AioMetrics::queued).tags(t)
                    .description("Requests waiting for a kernel slot now").baseUnit("requests").register(registry);
            Timer timer = Timer.builder("aio.request.latency").tags(t)
                    .description("From the loop's acceptance of a request to its completion").register(registry);
            fanOut(m).add(timer);
        }
    }

    private static void counter(MeterRegistry registry, String name, String description, AioMetrics m,
                                ToDoubleFunction<AioMetrics> value, Tags tags) {
        FunctionCounter.builder(name, m, value).tags(tags).description(description).baseUnit("requests")
                .register(registry);
    }

    private synchronized TimerFanOut fanOut(AioMetrics m) {
        for (TimerFanOut l : listeners) {
            if (l.metrics == m) {
                return l;
            }
        }
        TimerFanOut l = new TimerFanOut(m);
        listeners.add(l);
        m.latencyListener(l);
        return l;
    }

    /** Stops measuring latency on the bound loops (removes this binder's listeners). The meters stay registered. */
    @Override
    public synchronized void close() {
        for (TimerFanOut l : listeners) {
            if (l.metrics.latencyListener() == l) {
                l.metrics.latencyListener(null);
            }
        }
        listeners.clear();
    }

    /** One loop's listener: records into the timer of every registry bound so far. */
    private static final class TimerFanOut implements AioLatencyListener {
        final AioMetrics metrics;
        private volatile Timer[] timers = new Timer[0];

        TimerFanOut(AioMetrics metrics) {
            this.metrics = metrics;
        }

        synchronized void add(Timer timer) {
            for (Timer t : timers) {
                if (t == timer) {
                    return; // bound to the same registry again: Micrometer handed back the same timer
                }
            }
            Timer[] t = Arrays.copyOf(timers, timers.length + 1);
            t[t.length - 1] = timer;
            timers = t;
        }

        @Override
        public void requestFinished(long nanos) {
            for (Timer t : timers) {
                t.record(nanos, TimeUnit.NANOSECONDS);
            }
        }
    }
}
