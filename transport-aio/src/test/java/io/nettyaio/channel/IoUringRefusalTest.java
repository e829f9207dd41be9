package io.nettyaio.channel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
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
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where the kernel refuses io_uring ({@code kernel.io_uring_disabled=2}, as hardened hosts set it), the engine choice
 * says why and falls back, and files still work. The availability verdict is taken once per JVM, so the refusal is
 * tested in a child JVM started while the sysctl is set; the sysctl is restored in a finally, seconds later.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IoUringRefusalTest {
    private static final Path DISABLED = Paths.get("/proc/sys/kernel/io_uring_disabled");

    /** Run in the child JVM: prints what the engine choice saw, then reads a file. */
    public static void main(String[] args) throws Exception {
        Path file = Paths.get(args[0]);
        // The verdict is taken once, here; the parent restores the sysctl as soon as it reads this line
        System.out.println("available=" + AioIoUring.isAvailable());
        System.out.println("cause=" + AioIoUring.unavailabilityCause());
        AioEventLoopGroup group = new AioEventLoopGroup(1, 8);
        try (AioFileChannel ch = AioFileChannel.open(file, group.next())) {
            ByteBuf dst = Unpooled.buffer(16);
            int n = ch.read(dst, 0).get(30, TimeUnit.SECONDS);
            System.out.println("engine=" + ch.engine());
            System.out.println("read=" + dst.toString(0, n, StandardCharsets.US_ASCII));
            dst.release();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void shouldFallBackAndSayWhyWhenTheKernelRefusesIoUring() throws Exception {
        Assumptions.assumeTrue(Files.isWritable(DISABLED), "cannot write " + DISABLED + " (needs root)");
        Assumptions.assumeTrue(AioIoUring.isAvailable(), () -> "io_uring unavailable here anyway: "
                + AioIoUring.unavailabilityCause());
        Path file = ReliabilitySupport.file("io-uring-refusal.dat");
        Files.write(file, "served anyway".getBytes(StandardCharsets.US_ASCII));
        String before = Files.readAllLines(DISABLED).get(0).trim();
        // The machine is shared: io_uring is refused only until the child has probed (a fraction of a second), and
        // a test JVM stopped meanwhile still restores it
        Runnable restore = () -> {
            try {
                Files.write(DISABLED, before.getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        Thread hook = new Thread(restore, "restore-io_uring_disabled");
        Runtime.getRuntime().addShutdownHook(hook);
        List<String> out;
        try {
            Files.write(DISABLED, "2".getBytes(StandardCharsets.US_ASCII));
            out = runChild(file, restore, "-Dio.nettyaio.engine=io_uring");
        } finally {
            restore.run();
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        assertEquals(before, Files.readAllLines(DISABLED).get(0).trim(), "the sysctl is restored");
        String all = String.join("\n", out);
        assertTrue(out.contains("available=false"), all);
        assertTrue(all.contains("Operation not permitted"), "the cause is the kernel's refusal: " + all);
        assertTrue(all.contains("WARN") && all.contains("io.nettyaio.engine=io_uring"),
                "a forced engine that is unavailable is reported: " + all);
        assertTrue(out.contains("engine=blocking"), all);
        assertTrue(out.contains("read=served anyway"), all);
    }

    /** Runs the child; {@code probed} runs once it has printed its verdict. */
    private static List<String> runChild(Path file, Runnable probed, String... jvmOptions)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        for (String o : jvmOptions) {
            cmd.add(o);
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(IoUringRefusalTest.class.getName());
        cmd.add(file.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread reader = new Thread(() -> {
            try (java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(
                    p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                    if (line.startsWith("cause=")) {
                        probed.run();
                    }
                }
            } catch (IOException e) {
                lines.add("reading the child's output failed: " + e);
            }
        }, "io-uring-refusal-child-output");
        reader.start();
        boolean exited = p.waitFor(60, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly(); // a hung child must not hold the sysctl: the caller restores it now
        }
        reader.join(TimeUnit.SECONDS.toMillis(10));
        assertTrue(exited, () -> "the child JVM exits within 60 s:\n" + String.join("\n", lines));
        assertEquals(0, p.exitValue(), () -> String.join("\n", lines));
        return lines;
    }
}
