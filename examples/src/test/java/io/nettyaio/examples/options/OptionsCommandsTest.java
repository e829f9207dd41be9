package io.nettyaio.examples.options;

import io.nettyaio.examples.TestFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The two commands run end to end on tiny settings and say what they measured; no figure is judged here. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OptionsCommandsTest {
    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

    @Test
    void shouldAppendDurablyBothWaysAndLeaveNoFileBehind() throws Exception {
        Path dir = TestFiles.dir("durable-append");
        for (String layout : List.of("--direct", "buffered")) {
            String[] args = layout.equals("--direct")
                    ? new String[] {dir.toString(), "--direct", "--prealloc", "1m", "--depth", "1,2", "--runtime", "1",
                        "--warmup", "0", "--rounds", "1"}
                    : new String[] {dir.toString(), "--depth", "2", "--runtime", "1", "--warmup", "0", "--rounds",
                        "1"};
            assertEquals(0, DurableAppendCommand.run(args, out, err), errBytes::toString);
        }
        List<String> medians = lines("MEDIAN ");
        assertEquals(6, medians.size(), outBytes::toString);
        assertTrue(medians.stream().allMatch(l -> l.contains("records_per_s=") && l.contains("p99_us=")),
                outBytes::toString);
        assertTrue(medians.stream().anyMatch(l -> l.contains("sync=dsync") && l.contains("direct=true")));
        assertTrue(medians.stream().anyMatch(l -> l.contains("sync=fdatasync") && l.contains("direct=false")));
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count(), "each run deletes its file");
        }
    }

    @Test
    void shouldReadAtTwoPrioritiesAtOnce() throws Exception {
        Path dir = TestFiles.dir("priority-read");
        Path a = TestFiles.random(dir.resolve("a.bin"), 1 << 20, 1);
        Path b = TestFiles.random(dir.resolve("b.bin"), 1 << 20, 2);
        assertEquals(0, PriorityReadCommand.run(new String[] {a.toString(), b.toString(), "--pairs",
            "idle:be4,none:be0", "--depth", "4", "--runtime", "1", "--warmup", "0"}, out, err), errBytes::toString);
        List<String> phases = lines("PHASE ");
        assertEquals(2, phases.size(), outBytes::toString);
        assertTrue(phases.get(0).contains("pair=idle:be4") && phases.get(0).contains("a_iops=")
                && phases.get(0).contains("b_p99_us="), outBytes::toString);
    }

    @Test
    void shouldRejectBadOptionsWithStatus2() throws Exception {
        assertEquals(2, DurableAppendCommand.run(new String[] {"target", "--sync", "never"}, out, err));
        assertTrue(errBytes.toString().contains("--sync: 'never' (expected: dsync, fdatasync or both)"),
                errBytes::toString);
        assertEquals(2, DurableAppendCommand.run(new String[] {"target", "--depth", "1,0"}, out, err));
        assertTrue(errBytes.toString().contains("--depth: '1,0' (expected: integers from 1 to 256"),
                errBytes::toString);
        assertEquals(2, PriorityReadCommand.run(new String[] {"pom.xml", "pom.xml", "--pairs", "idle:be9"}, out,
                err));
        assertTrue(errBytes.toString().contains("priority: 'be9' (expected: none, idle, be0..be7 or rt0..rt7)"),
                errBytes::toString);
    }

    private List<String> lines(String prefix) {
        return outBytes.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith(prefix))
                .collect(Collectors.toList());
    }
}
