package io.nettyaio.channel.fault;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Linux AIO under seccomp profiles that refuse part of what it uses, as container runtimes do: each case runs
 * {@link SeccompProbe} in a child JVM under {@code src/test/c/seccomp_exec.c}'s filter (the test JVM is never
 * filtered). Skipped, with the reason, where gcc or seccomp filters are unavailable.
 */
@Timeout(180)
class SeccompTest {
    private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(90);
    private static Path helper;
    private static String unavailableReason;

    @BeforeAll
    static void compileHelper() {
        try {
            helper = Harness.compile("seccomp_exec.c", "seccomp_exec", List.of());
        } catch (IOException e) {
            unavailableReason = "cannot compile src/test/c/seccomp_exec.c: " + e.getMessage();
        }
    }

    /** Runs the probe under {@code rule}; returns its output, or skips when seccomp cannot be installed. */
    private static String runProbe(String rule, String... probeArgs) throws IOException {
        Assumptions.assumeTrue(unavailableReason == null, unavailableReason);
        List<String> cmd = new ArrayList<>(List.of(helper.toString(), rule, "--"));
        cmd.addAll(Harness.javaCommand(SeccompProbe.class, probeArgs));
        Harness.Result r = Harness.run(CHILD_TIMEOUT, cmd.toArray(new String[0]));
        Assumptions.assumeFalse(r.exitCode == 97, () -> "seccomp filters unavailable here: " + r.output.strip());
        // JDK 25 calls statx for file attributes and does not fall back on EPERM: it cannot even load from a jar
        Assumptions.assumeTrue(r.exitCode == 0 || r.output.contains("SECCOMP-PROBE STARTED"),
                () -> "this JVM itself does not start under " + rule + ": " + r.output.strip());
        assertEquals(0, r.exitCode, () -> "the probe under " + rule + " failed:\n" + r.output);
        assertTrue(r.output.contains("SECCOMP-PROBE OK"), r.output);
        return r.output;
    }

    private static Path file(String name) throws IOException {
        return Harness.newScratchDir("seccomp").resolve(name);
    }

    @Test
    void shouldReportLinuxAioUnavailableNamingTheCallWhenIoSubmitIsRefusedAndServeFilesOnBlockingThreads()
            throws IOException {
        String out = runProbe("io_submit=ENOSYS", "unavailable", "io_submit", "ENOSYS", file("io_submit").toString());
        assertEquals(1, Harness.countLines(out, "WARNING: Linux AIO is unavailable"), "one WARN:\n" + out);
    }

    @Test
    void shouldReportLinuxAioUnavailableNamingEventfdWhenEventfdIsRefused() throws IOException {
        String out = runProbe("eventfd2=EPERM", "unavailable", "eventfd", "EPERM", file("eventfd").toString());
        assertEquals(1, Harness.countLines(out, "WARNING: Linux AIO is unavailable"), "one WARN:\n" + out);
    }

    @Test
    void shouldSendBufferedReadsToLinuxAioWhenTheProbeFindsPreadv2RefusedWithEperm() throws IOException {
        String out = runProbe("preadv2=EPERM", "preadv2-probed", "EPERM", file("preadv2-eperm").toString());
        assertEquals(1, Harness.countLines(out, "WARNING: preadv2 is refused"), "one WARN:\n" + out);
    }

    @Test
    void shouldSendBufferedReadsToLinuxAioWhenTheProbeFindsPreadv2RefusedWithEnosysThatGlibcHides()
            throws IOException {
        String out = runProbe("preadv2=ENOSYS", "preadv2-probed", "ENOSYS", file("preadv2-enosys").toString());
        assertEquals(1, Harness.countLines(out, "WARNING: preadv2 is refused"), "one WARN:\n" + out);
    }

    @Test
    void shouldOpenSizeAndReadFilesWithFstatWhenStatxIsRefused() throws IOException {
        // What seccomp profiles older than statx answer (Docker before 18.04, for one)
        String out = runProbe("statx=EPERM", "statx-refused", file("statx").toString());
        assertEquals(1, Harness.countLines(out, "WARNING: statx is refused"), "one WARN:\n" + out);
    }

    @Test
    void shouldSleepWithTimeoutsAndWarnOnceWhenTimerfdIsRefused() throws IOException {
        String out = runProbe("timerfd_create=EPERM", "timerfd-refused", file("timerfd").toString());
        assertEquals(1, Harness.countLines(out, "WARNING: timerfd is refused"), "one WARN:\n" + out);
    }

    @Test
    void shouldKeepTheKernelsTimeSliceQuietlyWhenSchedSetattrIsRefused() throws IOException {
        String out = runProbe("sched_setattr=EPERM", "slice-refused", file("slice").toString());
        assertEquals(0, Harness.countLines(out, "time slice"), "said at DEBUG only:\n" + out);
    }

    @Test
    void shouldGoOnTheUsualWayAndWarnOnceWhenAReadMeetsARefusedPreadv2() throws IOException {
        // RWF_NOWAIT (8) in the flags (argument 5): the probe's preadv2 passes, every cached read is refused
        String out = runProbe("preadv2=EPERM@5&8", "preadv2-at-read", file("preadv2-at-read").toString());
        assertEquals(1, Harness.countLines(out, "WARNING: preadv2 is refused"), "one WARN:\n" + out);
    }
}
