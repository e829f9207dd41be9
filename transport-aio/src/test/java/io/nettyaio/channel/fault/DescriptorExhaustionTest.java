package io.nettyaio.channel.fault;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A process with no descriptor free when it first uses Linux AIO: it must not lose Linux AIO for its life (jnr-ffi's
 * loader used to fail for good there, blamed on a NullPointerException), must say EMFILE and the remedy once, and
 * must use Linux AIO once descriptors are free again. Runs {@link DescriptorExhaustionProbe} in a child JVM: the test
 * JVM never runs out of descriptors.
 */
@Timeout(120)
class DescriptorExhaustionTest {

    @Test
    void shouldServeOnBlockingThreadsAtEmfileAndSwitchToLinuxAioWhenDescriptorsAreFreeAgain() throws Exception {
        Path file = Harness.newScratchDir("emfile").resolve("data");
        Harness.Result r = Harness.run(Duration.ofSeconds(90),
                Harness.javaCommand(DescriptorExhaustionProbe.class, file.toString()).toArray(new String[0]));
        assertEquals(0, r.exitCode, () -> "the child failed:\n" + r.output);
        assertTrue(r.output.contains("EMFILE-PROBE OK"), r.output);
        assertFalse(r.output.contains("NullPointerException"), r.output);
        assertEquals(1, Harness.countLines(r.output, "WARNING: A resource Linux AIO needs is short"),
                "one WARN:\n" + r.output);
        String warning = r.output.lines().filter(l -> l.contains("WARNING: A resource")).findFirst().orElse("");
        assertTrue(warning.contains("EMFILE") && warning.contains("ulimit -n"), warning);
    }
}
