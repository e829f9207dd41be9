package io.nettyaio.channel.micrometer;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.nettyaio.channel.AioEventLoop;
import io.nettyaio.channel.AioEngines;
import io.nettyaio.channel.AioEventLoopGroup;
import io.nettyaio.channel.AioFileChannel;
import io.nettyaio.channel.AioLatencyListener;
import io.nettyaio.channel.AioMetrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every loop of a group exported per loop and engine, the latency timer fed on the loop, and unbound on close. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AioMetricsBinderTest {
    private AioEventLoopGroup group;
    private Path file;

    @BeforeEach
    void setUp() throws Exception {
        group = new AioEventLoopGroup(2, 16);
        Path dir = Files.createDirectories(Paths.get("target", "micrometer-test").toAbsolutePath());
        file = dir.resolve("binder.dat");
        Files.deleteIfExists(file);
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        assertTrue(group.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(30, TimeUnit.SECONDS));
    }

    @Test
    void shouldExportEveryLoopTaggedByLoopAndEngine() {
        MeterRegistry registry = new SimpleMeterRegistry();
        try (AioMetricsBinder binder = new AioMetricsBinder(group, Tags.of("group", "storage"))) {
            binder.bindTo(registry);
        }
        Set<String> names = new TreeSet<>();
        for (Meter m : registry.getMeters()) {
            names.add(m.getId().getName());
            assertEquals("storage", m.getId().getTag("group"));
            String loop = m.getId().getTag("loop");
            AioEventLoop l = (AioEventLoop) group.iterator().next();
            assertTrue("0".equals(loop) || "1".equals(loop), m.getId().toString());
            assertEquals(l.engine(), m.getId().getTag("engine"));
        }
        assertEquals(new TreeSet<>(Set.of("aio.requests.submitted", "aio.requests.completed", "aio.requests.failed",
                "aio.requests.inflight", "aio.requests.queued", "aio.requests.blocking", "aio.requests.fallbacks",
                "aio.submit.calls", "aio.loop.busypoll", "aio.request.latency")), names);
        assertEquals(2 * names.size(), registry.getMeters().size(), "each meter once per loop");
    }

    @Test
    void shouldCountRequestsAndTimeEachOnTheLoop() throws Exception {
        MeterRegistry registry = new SimpleMeterRegistry();
        AioEventLoop loop = group.next();
        AioMetrics metrics = loop.metrics();
        AioMetricsBinder binder = new AioMetricsBinder(Map.of("mine", metrics), Tags.empty());
        MeterRegistry second = new SimpleMeterRegistry();
        binder.bindTo(registry);
        binder.bindTo(second); // one listener per loop, recording into both registries
        try (AioFileChannel ch = AioFileChannel.open(file, loop, READ, WRITE, CREATE)) {
            ByteBuf buf = Unpooled.directBuffer(4096).writeZero(4096);
            for (int i = 0; i < 10; i++) {
                ch.write(buf.readerIndex(0), i * 4096L).get(30, TimeUnit.SECONDS);
            }
            ch.fdatasync().get(30, TimeUnit.SECONDS);
            ch.truncate(4096).get(30, TimeUnit.SECONDS);
            buf.release();
        }
        Timer latency = registry.get("aio.request.latency").tag("loop", "mine").timer();
        assertEquals(12, latency.count(), "one latency per request: 10 writes, a sync, a truncate");
        assertTrue(latency.totalTime(TimeUnit.NANOSECONDS) > 0);
        assertEquals(metrics.completed(), registry.get("aio.requests.completed").functionCounter().count());
        assertEquals(12.0, registry.get("aio.requests.completed").functionCounter().count());
        assertEquals(0.0, registry.get("aio.requests.failed").functionCounter().count());
        assertEquals(metrics.submitCalls(), registry.get("aio.submit.calls").functionCounter().count());
        assertEquals(12, second.get("aio.request.latency").timer().count());
        assertEquals(metrics.blockingSubmitted(), registry.get("aio.requests.blocking").functionCounter().count());
        if (AioEngines.LINUX_AIO.equals(loop.engine())) {
            assertTrue(registry.get("aio.requests.blocking").functionCounter().count() >= 1, "the truncate");
        }
        assertEquals(0.0, registry.get("aio.requests.inflight").gauge().value());
        assertEquals(0.0, registry.get("aio.requests.queued").gauge().value());
        assertEquals(metrics.busyPollNanos() / 1e9, registry.get("aio.loop.busypoll").functionCounter().count());

        binder.close();
        assertNull(metrics.latencyListener(), "closing the binder stops the timestamps");
        try (AioFileChannel ch = AioFileChannel.open(file, loop, READ)) {
            ch.fdatasync().get(30, TimeUnit.SECONDS);
        }
        assertEquals(12, latency.count(), "nothing timed after close");
    }

    @Test
    void shouldLeaveAnotherListenerInstalledOnClose() {
        AioEventLoop loop = group.next();
        AioMetricsBinder binder = new AioMetricsBinder(group);
        binder.bindTo(new SimpleMeterRegistry());
        AioLatencyListener other = nanos -> { };
        loop.metrics().latencyListener(other);
        binder.close();
        assertSame(other, loop.metrics().latencyListener(), "the binder removes only its own");
    }
}
