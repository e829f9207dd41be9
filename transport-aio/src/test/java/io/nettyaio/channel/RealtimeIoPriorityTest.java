package io.nettyaio.channel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.Future;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static java.nio.file.StandardOpenOption.READ;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real-time I/O priority class needs CAP_SYS_ADMIN or CAP_SYS_NICE, and a process without them is told so up
 * front, by name, instead of an EPERM in some completion. {@code Capabilities} reads the process's capabilities once,
 * so the refusal is tested in a child JVM started under {@code setpriv} with every capability dropped (inheritable,
 * ambient and bounding set: uid 0 stays, but root without capabilities is an ordinary user to the kernel). The parent,
 * root with its capabilities, reads at the real-time class successfully.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RealtimeIoPriorityTest {
    private static final AioIoPriority REALTIME = AioIoPriority.of(AioIoPriority.Class.REALTIME, 0);
    private static final byte[] CONTENT = "read at the real-time class".getBytes(StandardCharsets.US_ASCII);

    /**
     * Run in the child JVM without capabilities: prints what open and a per-request real-time read (future and
     * handler forms) answered, one {@code key=value} line each, then reads the same file at the default priority.
     */
    public static void main(String[] args) throws Exception {
        Path file = Paths.get(args[0]);
        System.out.println("capEff=" + statusField("CapEff:"));
        AioEventLoopGroup group = new AioEventLoopGroup(1, 8);
        try {
            try (AioFileChannel ch = AioFileChannel.open(file, group.next(), READ, REALTIME)) {
                System.out.println("open=opened " + ch);
            } catch (IllegalArgumentException e) {
                System.out.println("open=" + e.getClass().getName() + ": " + e.getMessage());
            }
            try (AioFileChannel ch = AioFileChannel.open(file, group.next(), READ)) {
                ByteBuf dst = Unpooled.directBuffer(64);
                Future<Integer> read = ch.read(dst, 0, AioRequestOptions.DEFAULT.withPriority(REALTIME));
                if (!read.await(30, TimeUnit.SECONDS)) {
                    System.out.println("read=timed out");
                } else {
                    System.out.println("read=" + (read.isSuccess() ? "read " + read.getNow()
                            : read.cause().getClass().getName() + ": " + read.cause().getMessage()));
                }
                System.out.println("readIndexUnchanged=" + (dst.writerIndex() == 0));

                CountDownLatch done = new CountDownLatch(1);
                AtomicReference<String> outcome = new AtomicReference<>();
                ch.read(dst, 0, AioRequestOptions.DEFAULT.withPriority(REALTIME), outcome,
                        new AioCompletionHandler<AtomicReference<String>>() {
                            @Override
                            public void completed(int n, AtomicReference<String> attachment) {
                                attachment.set("read " + n);
                                done.countDown();
                            }

                            @Override
                            public void failed(Throwable cause, AtomicReference<String> attachment) {
                                attachment.set(cause.getClass().getName() + ": " + cause.getMessage());
                                done.countDown();
                            }
                        });
                System.out.println("handler=" + (done.await(30, TimeUnit.SECONDS) ? outcome.get() : "timed out"));

                int n = ch.read(dst, 0).get(30, TimeUnit.SECONDS);
                System.out.println("plainRead=" + dst.toString(0, n, StandardCharsets.US_ASCII));
                dst.release();
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void shouldRefuseTheRealtimeClassByNameWithoutTheCapability() throws Exception {
        String euid = statusField("Uid:").split("\\s+")[1];
        Assumptions.assumeTrue("0".equals(euid), "needs root to start a child JVM that drops its capabilities "
                + "(euid " + euid + ")");
        Path setpriv = Paths.get("/usr/bin/setpriv");
        Assumptions.assumeTrue(Files.isExecutable(setpriv), "setpriv (util-linux) is missing: " + setpriv);
        Path file = ReliabilitySupport.file("realtime-priority.dat");
        Files.write(file, CONTENT);

        List<String> out = runChildWithoutCapabilities(setpriv, file);
        String all = String.join("\n", out);
        out.forEach(l -> System.out.println("child without capabilities: " + l));
        assertTrue(out.contains("capEff=0000000000000000"), "the child runs without capabilities: " + all);
        assertTrue(out.stream().anyMatch(l -> l.startsWith("open=java.lang.IllegalArgumentException: ")
                && l.contains("CAP_SYS_ADMIN")), "open with a real-time default fails, naming the capability: " + all);
        assertTrue(out.stream().anyMatch(l -> l.startsWith("read=java.lang.IllegalArgumentException: ")
                && l.contains("CAP_SYS_ADMIN")), "a real-time read's future fails, naming the capability: " + all);
        assertTrue(out.contains("readIndexUnchanged=true"), all);
        assertTrue(out.stream().anyMatch(l -> l.startsWith("handler=java.lang.IllegalArgumentException: ")
                && l.contains("CAP_SYS_ADMIN")), "the handler form is told the same: " + all);
        assertTrue(out.contains("plainRead=" + new String(CONTENT, StandardCharsets.US_ASCII)),
                "the channel still serves requests at its default priority: " + all);
    }

    @Test
    void shouldReadAtTheRealtimeClassWithTheCapability() throws Exception {
        Assumptions.assumeTrue(Capabilities.mayUseRealtimeIoPriority(),
                "this process has neither CAP_SYS_ADMIN nor CAP_SYS_NICE");
        Path file = ReliabilitySupport.file("realtime-priority-allowed.dat");
        Files.write(file, CONTENT);
        AioEventLoopGroup group = new AioEventLoopGroup(1, 8);
        try {
            try (AioFileChannel ch = AioFileChannel.open(file, group.next(), READ, REALTIME)) {
                ByteBuf dst = Unpooled.directBuffer(64);
                assertEquals(CONTENT.length, ReliabilitySupport.await(ch.read(dst, 0)), ch.engine());
                dst.clear();
                // And per request, at another level of the class, on a channel whose default is best effort
                assertEquals(CONTENT.length, ReliabilitySupport.await(ch.read(dst, 0, AioRequestOptions.DEFAULT
                        .withPriority(AioIoPriority.of(AioIoPriority.Class.REALTIME, 7)))), ch.engine());
                assertEquals(new String(CONTENT, StandardCharsets.US_ASCII),
                        dst.toString(StandardCharsets.US_ASCII));
                dst.release();
            }
            try (AioFileChannel ch = AioFileChannel.open(file, group.next(), READ, AioIoPriority.BEST_EFFORT)) {
                ByteBuf dst = Unpooled.directBuffer(64);
                assertEquals(CONTENT.length, ReliabilitySupport.await(ch.read(dst, 0,
                        AioRequestOptions.DEFAULT.withPriority(REALTIME))), ch.engine());
                dst.release();
            }
        } finally {
            assertTrue(group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(30, TimeUnit.SECONDS));
        }
        LeakRecorder.assertNoLeaks();
    }

    /** @return the value of a line of /proc/self/status, e.g. {@code "0 0 0 0"} for {@code "Uid:"} */
    private static String statusField(String name) throws IOException {
        return Files.readAllLines(Paths.get("/proc/self/status")).stream().filter(l -> l.startsWith(name))
                .findFirst().map(l -> l.substring(name.length()).trim()).orElse("?");
    }

    private static List<String> runChildWithoutCapabilities(Path setpriv, Path file)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(setpriv.toString(), "--inh-caps=-all", "--ambient-caps=-all",
                "--bounding-set=-all", "--"));
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        String engine = System.getProperty("io.nettyaio.engine");
        if (engine != null) {
            cmd.add("-Dio.nettyaio.engine=" + engine);
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(RealtimeIoPriorityTest.class.getName());
        cmd.add(file.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        List<String> lines = new ArrayList<>();
        try (java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
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
}
