package io.nettyaio.channel.fault;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A JVM whose first use of Linux AIO meets an exhausted {@code fs.aio-max-nr}: it must not run its whole life on the
 * blocking engine. Runs {@link AioBudgetAtStartProbe} in a child JVM (this JVM probed long ago), which lowers the
 * limit for as long as its probe and one loop start take, a fraction of a second, and restores it; this test
 * restores it too, whatever happens to the child. Needs root; skipped otherwise.
 */
@Timeout(180)
class AioBudgetAtStartTest {
    private static final Path AIO_MAX_NR = Paths.get("/proc/sys/fs/aio-max-nr");

    @Test
    void shouldNotDecideForGoodWhenTheFirstProbeMeetsAnExhaustedAioMaxNr() throws Exception {
        long original;
        try {
            original = AioBudgetAtStartProbe.readProc(AIO_MAX_NR);
            AioBudgetAtStartProbe.writeProc(AIO_MAX_NR, original); // writing the same value back changes nothing
        } catch (Exception e) {
            Assumptions.abort("cannot write " + AIO_MAX_NR + " (needs root): " + e);
            return;
        }
        Path file = Harness.newScratchDir("aio-budget").resolve("data");
        try {
            for (int attempt = 1; ; attempt++) {
                Harness.Result r = Harness.run(Duration.ofSeconds(60), Harness.javaCommand(
                        AioBudgetAtStartProbe.class, Long.toString(original), file.toString()).toArray(new String[0]));
                if (r.exitCode == AioBudgetAtStartProbe.RACED && attempt < 3) {
                    continue;
                }
                Assumptions.assumeFalse(r.exitCode == AioBudgetAtStartProbe.RACED,
                        "other processes kept freeing AIO contexts: the probe always had room");
                assertEquals(0, r.exitCode, () -> "the child failed:\n" + r.output);
                assertTrue(r.output.contains("AIO-BUDGET-PROBE OK"), r.output);
                assertEquals(1, Harness.countLines(r.output, "WARNING: The system-wide Linux AIO budget is used up"),
                        "one WARN:\n" + r.output);
                return;
            }
        } finally {
            AioBudgetAtStartProbe.writeProc(AIO_MAX_NR, original);
            assertEquals(original, AioBudgetAtStartProbe.readProc(AIO_MAX_NR), "fs.aio-max-nr restored");
        }
    }
}
