package io.nettyaio.channel.fault;

import io.nettyaio.channel.AioIoUring;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Under a seccomp profile that refuses {@code io_uring_setup} (Docker's default profile does), the io_uring engine
 * reports itself unavailable with the kernel's answer, a forced choice of it falls back to the blocking engine with
 * a warning, and files are still served. Each case runs in a child JVM under {@code src/test/c/seccomp_exec.c};
 * skipped, with the reason, where gcc or seccomp filters are unavailable.
 */
@Timeout(180)
class IoUringSeccompTest {
    private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(90);
    private static java.nio.file.Path helper;
    private static String unavailableReason;

    @BeforeAll
    static void compileHelper() {
        try {
            helper = Harness.compile("seccomp_exec.c", "seccomp_exec", List.of());
        } catch (IOException e) {
            unavailableReason = "cannot compile src/test/c/seccomp_exec.c: " + e.getMessage();
        }
    }

    private static String runProbe(String rule) throws IOException {
        Assumptions.assumeTrue(unavailableReason == null, unavailableReason);
        Assumptions.assumeTrue(AioIoUring.isAvailable(), () -> "io_uring is unavailable here anyway: "
                + AioIoUring.unavailabilityCause());
        List<String> cmd = new ArrayList<>(List.of(helper.toString(), rule, "--"));
        List<String> java = new ArrayList<>(Harness.javaCommand(IoUringSeccompProbe.class,
                Harness.newScratchDir("seccomp").resolve("f.dat").toString()));
        java.add(1, "-Dio.nettyaio.engine=io_uring");
        cmd.addAll(java);
        Harness.Result r = Harness.run(CHILD_TIMEOUT, cmd.toArray(new String[0]));
        Assumptions.assumeFalse(r.exitCode == 97, () -> "seccomp filters unavailable here: " + r.output.strip());
        assertEquals(0, r.exitCode, () -> "the probe under " + rule + " failed:\n" + r.output);
        assertTrue(r.output.contains("SECCOMP-PROBE OK"), r.output);
        return r.output;
    }

    @Test
    void shouldFallBackWithTheKernelsAnswerWhenIoUringSetupIsRefusedWithEperm() throws IOException {
        String out = runProbe("io_uring_setup=EPERM");
        assertTrue(out.contains("available=false"), out);
        assertTrue(out.contains("Operation not permitted"), "the cause is the refusal:\n" + out);
        assertTrue(out.contains("engine=blocking"), out);
        assertTrue(out.contains("read=served anyway"), out);
        assertEquals(1, Harness.countLines(out, "io.nettyaio.engine=io_uring but that engine is unavailable"),
                "one WARN:\n" + out);
    }

    @Test
    void shouldFallBackWhenIoUringSetupIsRefusedWithEnosys() throws IOException {
        String out = runProbe("io_uring_setup=ENOSYS");
        assertTrue(out.contains("available=false"), out);
        assertTrue(out.contains("Function not implemented"), "the cause is the refusal:\n" + out);
        assertTrue(out.contains("read=served anyway"), out);
    }
}
