package io.nettyaio.channel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A group whose loops cannot have their eventfds (the descriptor limit) starts them on blocking threads, each saying
 * which limit and how to raise it, and once shut down leaves nothing behind: no thread, eventfd or context. The default
 * group, when its creation fails, is created by a later call. Runs in a JVM of its own under {@code ulimit -n 256}
 * ({@link DescriptorLimitProgram}), so that taking every descriptor disturbs nothing else. The same for an exhausted
 * {@code fs.aio-max-nr}: {@code FaultInjectionTest}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GroupStartFailureTest {

    @Test
    void shouldLeaveNothingBehindAndNameUlimitWhenAGroupHitsTheDescriptorLimit() throws Exception {
        ReliabilitySupport.assumeLinuxAio();
        Path file = ReliabilitySupport.file("descriptor-limit.txt");
        Files.write(file, "sixteen bytes...".getBytes(StandardCharsets.US_ASCII));
        ChildJvm.Result result = ChildJvm.run("descriptor-limit", 256, 60, List.of(), DescriptorLimitProgram.class,
                file.toString());
        assertTrue(result.exitedInTime(), result::toString);
        assertEquals(0, result.exitCode, result::toString);
        assertTrue(result.stdout.contains("group of 3 with 2 descriptors free started degraded: ")
                || result.stdout.contains("group of 3 with 2 descriptors free: java.lang.IllegalStateException"),
                result::toString);
        assertTrue(result.stdout.contains("open(path) works once descriptors are free again"), result::toString);
        System.out.print(result.stdout);
    }
}
