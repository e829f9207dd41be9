package io.nettyaio.channel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import jdk.jfr.consumer.RecordingStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The JFR events, each seen in a real {@link Recording} around real requests: a slow io_submit and a loop stall with
 * their thresholds at 0, requests sent to the blocking lane with their reason (truncate; a buffered write on tmpfs),
 * and an engine degradation, also from the availability probe itself in a child JVM. And none while disabled.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AioJfrTest {
    private static final Path DIR = Paths.get("target", "jfr-test").toAbsolutePath();
    private static AioEventLoopGroup group;

    @BeforeAll
    static void startGroup() throws IOException {
        Files.createDirectories(DIR);
        group = new AioEventLoopGroup(1, 32);
    }

    @AfterAll
    static void stopGroup() throws InterruptedException {
        if (group != null) {
            assertTrue(group.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(30, TimeUnit.SECONDS));
        }
    }

    /** Run in the child JVM: records while Linux AIO is found unavailable and a forced engine falls back. */
    public static void main(String[] args) throws Exception {
        try (Recording recording = new Recording()) {
            recording.enable(AioJfr.ENGINE_DEGRADED);
            recording.start();
            AioEventLoopGroup g = new AioEventLoopGroup(1, 8); // first use of Aio: the probe runs now
            System.out.println("engine=" + g.next().engine());
            g.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            recording.stop();
            Path out = Paths.get(args[0]);
            recording.dump(out);
            for (RecordedEvent e : RecordingFile.readAllEvents(out)) {
                System.out.println("event=" + e.getEventType().getName() + " engine=" + e.getString("engine")
                        + " cause=" + e.getString("cause"));
            }
        }
    }

    @Test
    void shouldRecordSlowSubmitWhenItsThresholdIsZero() throws Exception {
        AioEventLoop loop = group.next();
        Assumptions.assumeTrue(AioEngines.LINUX_AIO.equals(loop.engine()), "io_submit is Linux AIO's");
        Path file = file("slow-submit.dat");
        List<RecordedEvent> events = record("slow-submit", r -> r.enable(AioJfr.SLOW_SUBMIT)
                .withThreshold(Duration.ZERO), () -> {
            try (AioFileChannel ch = AioFileChannel.open(file, loop, READ, WRITE, CREATE)) {
                ByteBuf src = Unpooled.directBuffer(4096).writeZero(4096);
                ch.write(src, 0).get(30, TimeUnit.SECONDS);
                src.release();
                ch.fdatasync().get(30, TimeUnit.SECONDS); // kernel AIO: one io_submit
            }
        });
        List<RecordedEvent> submits = named(events, AioJfr.SLOW_SUBMIT);
        assertFalse(submits.isEmpty(), "io_submit calls recorded: " + events);
        assertTrue(submits.stream().anyMatch(e -> e.getInt("accepted") >= 1), submits.toString());
        assertTrue(submits.stream().allMatch(e -> e.getThread().getJavaName().startsWith("aio-loop")),
                "recorded on the loop thread: " + submits);
    }

    @Test
    void shouldRecordTruncateOnTheBlockingLaneAsMetadata() throws Exception {
        AioEventLoop loop = group.next();
        Assumptions.assumeTrue(AioEngines.LINUX_AIO.equals(loop.engine()) || !AioIoUring.ftruncateSupported(),
                "io_uring truncates in the ring on Linux 6.9+");
        Path file = file("truncate.dat");
        List<RecordedEvent> events = record("truncate", r -> r.enable(AioJfr.BLOCKING_LANE), () -> {
            try (AioFileChannel ch = AioFileChannel.open(file, loop, READ, WRITE, CREATE)) {
                ch.truncate(8192).get(30, TimeUnit.SECONDS);
            }
        });
        List<RecordedEvent> lane = named(events, AioJfr.BLOCKING_LANE);
        assertEquals(1, lane.size(), events.toString());
        RecordedEvent e = lane.get(0);
        assertEquals(AioJfr.METADATA, e.getString("reason"));
        assertEquals("ftruncate", e.getString("operation"));
        assertEquals(file.toString(), e.getString("path"));
        assertEquals(8192, e.getLong("position"), "the new size");
        assertEquals(loop.engine(), e.getString("engine"));
    }

    @Test
    void shouldRecordBufferedWriteOnTmpfsAsNowaitUnsupported() throws Exception {
        AioEventLoop loop = group.next();
        Assumptions.assumeTrue(AioEngines.LINUX_AIO.equals(loop.engine()), "RWF_NOWAIT is Linux AIO's");
        Path shm = Paths.get("/dev/shm");
        Assumptions.assumeTrue(Files.isDirectory(shm) && Files.isWritable(shm), "no writable /dev/shm");
        Path dir = Files.createTempDirectory(shm, "netty-aio-jfr");
        Path file = dir.resolve("tmpfs.dat");
        try {
            List<RecordedEvent> events = record("tmpfs", r -> r.enable(AioJfr.BLOCKING_LANE), () -> {
                try (AioFileChannel ch = AioFileChannel.open(file, loop, READ, WRITE, CREATE)) {
                    for (int i = 0; i < 2; i++) { // the first is refused (EOPNOTSUPP), the second goes straight
                        ByteBuf src = Unpooled.directBuffer(4096).writeZero(4096);
                        assertEquals(4096, ch.write(src, i * 4096L).get(30, TimeUnit.SECONDS));
                        src.release();
                    }
                }
            });
            List<RecordedEvent> lane = named(events, AioJfr.BLOCKING_LANE);
            assertEquals(2, lane.size(), events.toString());
            for (RecordedEvent e : lane) {
                assertEquals(AioJfr.NOWAIT_UNSUPPORTED, e.getString("reason"), e.toString());
                assertEquals("pwrite", e.getString("operation"));
                assertEquals(4096, e.getLong("length"));
            }
        } finally {
            Files.deleteIfExists(file);
            Files.delete(dir);
        }
    }

    @Test
    void shouldRecordLoopStallWhenItsThresholdIsZero() throws Exception {
        AioEventLoop loop = group.next();
        CountDownLatch seen = new CountDownLatch(1);
        AtomicReference<String> engine = new AtomicReference<>();
        try (RecordingStream stream = new RecordingStream()) {
            stream.enable(AioJfr.LOOP_STALL).withThreshold(Duration.ZERO);
            stream.onEvent(AioJfr.LOOP_STALL, e -> {
                engine.compareAndSet(null, e.getString("engine"));
                seen.countDown();
            });
            stream.startAsync();
            // A task at a time, each woken into a turn of its own, until the stream delivers a stall (it flushes
            // about once a second). Ten tasks inside a Recording found no event at all twice in full JDK 25 runs
            // (cause not found; never in isolation): this waits for the first event instead of counting on when
            // the recording's settings take effect.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!seen.await(10, TimeUnit.MILLISECONDS)) {
                assertTrue(System.nanoTime() - deadline < 0, "no LoopStall event in 30 s of loop turns");
                CountDownLatch ran = new CountDownLatch(1);
                loop.execute(ran::countDown);
                assertTrue(ran.await(30, TimeUnit.SECONDS));
            }
        }
        assertEquals(loop.engine(), engine.get());
    }

    @Test
    void shouldRecordEngineDegradedFromTheHelper() throws Exception {
        List<RecordedEvent> events = record("degraded", r -> r.enable(AioJfr.ENGINE_DEGRADED),
                () -> AioJfr.engineDegraded(AioEngines.IO_URING, new IOException("budget exhausted")));
        List<RecordedEvent> degraded = named(events, AioJfr.ENGINE_DEGRADED);
        assertEquals(1, degraded.size(), events.toString());
        assertEquals(AioEngines.IO_URING, degraded.get(0).getString("engine"));
        assertEquals("java.io.IOException: budget exhausted", degraded.get(0).getString("cause"));
    }

    @Test
    void shouldRecordNothingWhileTheEventsAreDisabled() throws Exception {
        AioEventLoop loop = group.next();
        Path file = file("disabled.dat");
        List<RecordedEvent> events = record("disabled", r -> {
            for (String name : List.of(AioJfr.SLOW_SUBMIT, AioJfr.BLOCKING_LANE, AioJfr.ENGINE_DEGRADED,
                    AioJfr.LOOP_STALL)) {
                r.disable(name);
            }
        }, () -> {
            try (AioFileChannel ch = AioFileChannel.open(file, loop, READ, WRITE, CREATE)) {
                ch.truncate(4096).get(30, TimeUnit.SECONDS);
                ch.fdatasync().get(30, TimeUnit.SECONDS);
            }
            AioJfr.engineDegraded(AioEngines.IO_URING, "not recorded");
        });
        assertEquals(List.of(), events);
        assertEquals(null, AioJfr.beginSubmit(), "nothing begun, nothing allocated");
        assertEquals(null, AioJfr.beginTurn());
    }

    @Test
    void shouldRecordLinuxAioUnavailableWhereTheProbeFindsIt() throws Exception {
        Path out = DIR.resolve("child-degraded.jfr");
        Files.deleteIfExists(out);
        List<String> lines = runChild(out, "-Dio.nettyaio.noAio=true", "-Dio.nettyaio.engine=linux-aio");
        String all = String.join("\n", lines);
        assertTrue(lines.contains("engine=blocking"), all);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("event=" + AioJfr.ENGINE_DEGRADED + " engine=linux-aio "
                + "cause=java.lang.UnsupportedOperationException: Linux AIO disabled by -Dio.nettyaio.noAio=true")),
                "the probe's verdict, with its cause: " + all);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("event=" + AioJfr.ENGINE_DEGRADED + " engine=linux-aio "
                + "cause=-Dio.nettyaio.engine=linux-aio but it is unavailable")), "the forced engine: " + all);
    }

    private static List<String> runChild(Path out, String... jvmOptions) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(jvmOptions));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(AioJfrTest.class.getName());
        cmd.add(out.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                lines.add(line);
            }
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child JVM exits");
        assertEquals(0, p.exitValue(), () -> String.join("\n", lines));
        return lines;
    }

    private interface Work {
        void run() throws Exception;
    }

    /** @return the netty-aio events of a recording made around {@code work}, in the order they were recorded */
    private static List<RecordedEvent> record(String name, Consumer<Recording> settings, Work work)
            throws Exception {
        Path out = DIR.resolve(name + ".jfr");
        try (Recording recording = new Recording()) {
            settings.accept(recording);
            recording.start();
            work.run();
            recording.stop();
            recording.dump(out);
        }
        try (Stream<RecordedEvent> all = RecordingFile.readAllEvents(out).stream()) {
            return all.filter(e -> e.getEventType().getName().startsWith("io.nettyaio."))
                    .sorted(Comparator.comparing(RecordedEvent::getStartTime))
                    .collect(Collectors.toList());
        }
    }

    private static List<RecordedEvent> named(List<RecordedEvent> events, String name) {
        return events.stream().filter(e -> e.getEventType().getName().equals(name)).collect(Collectors.toList());
    }

    private static Path file(String name) throws IOException {
        Path f = DIR.resolve(name);
        Files.deleteIfExists(f);
        return f;
    }
}
