package io.nettyaio.examples.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nettyaio.channel.Aio;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Real, short runs of every engine on a small file under target/ (never /tmp: tmpfs refuses O_DIRECT). */
class BenchCommandTest {
    private static final Path FILE = Paths.get("target", "bench-test", "small.dat");

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    @Timeout(60)
    void shouldCompleteRequestsWithJdkSyncAndPrintOneJsonObject() throws Exception {
        int status = run("--engine", "jdk-sync", "--rw", "randread", "--bs", "4k", "--iodepth", "4", "--direct",
                "false", "--size", "8m", "--runtime", "1", "--warmup", "0", "--file", FILE.toString(), "--json");

        JsonNode json = parseSoleJsonObject();
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        assertEquals(BenchResultTest.KEYS, BenchResultTest.fieldNames(json));
        assertEquals("jdk-sync", json.get("engine").asText());
        assertTrue(json.get("ops").asLong() > 0, json.toString());
        assertTrue(Files.size(FILE) >= 8 << 20);
    }

    @Test
    @Timeout(60)
    void shouldCompleteRequestsWithJdkAsyncUsingODirect() throws Exception {
        BenchFile.prepare(FILE, 8 << 20, new PrintStream(err, true, StandardCharsets.UTF_8));
        assumeTrue(JdkEngineSetup.directWorks(FILE), "O_DIRECT does not work under target/");

        int status = run("--engine", "jdk-async", "--rw", "randread", "--bs", "4k", "--iodepth", "8", "--direct",
                "true", "--size", "8m", "--runtime", "1", "--warmup", "0.2", "--file", FILE.toString(), "--json");

        JsonNode json = parseSoleJsonObject();
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        assertEquals("jdk-async", json.get("engine").asText());
        assertTrue(json.get("direct").asBoolean());
        assertTrue(json.get("ops").asLong() > 0, json.toString());
    }

    @Test
    @Timeout(60)
    void shouldCompleteRequestsWithAioOnTwoLoopsWhenKernelAioWorks() throws Exception {
        assumeTrue(Aio.isAvailable(), () -> "kernel AIO unavailable: " + Aio.unavailabilityCause());
        BenchFile.prepare(FILE, 8 << 20, new PrintStream(err, true, StandardCharsets.UTF_8));
        boolean direct = JdkEngineSetup.directWorks(FILE);

        int status = run("--engine", "aio", "--rw", "randwrite", "--bs", "4k", "--iodepth", "8", "--direct",
                Boolean.toString(direct), "--size", "8m", "--runtime", "1", "--warmup", "0", "--file",
                FILE.toString(), "--loops", "2", "--json");

        JsonNode json = parseSoleJsonObject();
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        assertEquals("aio", json.get("engine").asText());
        assertEquals(io.nettyaio.channel.AioEngines.forOwnLoops(), json.get("io_engine").asText(),
                "the engine our loops run here");
        assertEquals("randwrite", json.get("rw").asText());
        assertTrue(json.get("ops").asLong() > 0, json.toString());
    }

    @Test
    @Timeout(60)
    void shouldWriteSequentiallyWithJdkAsyncAndPrintATable() throws Exception {
        int status = run("--engine", "jdk-async", "--rw", "write", "--bs", "64k", "--iodepth", "2", "--direct",
                "false", "--size", "8m", "--runtime", "1", "--warmup", "0", "--file", FILE.toString(), "--loops", "2");

        String table = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        assertTrue(table.startsWith(" ") && table.lines().findFirst().orElseThrow().endsWith("jdk-async"), table);
        assertTrue(table.lines().anyMatch(l -> l.startsWith("iodepth x loops") && l.endsWith("2 x 2")), table);
    }

    @Test
    void shouldExitWithStatus2AndNameTheFlagWhenAValueIsBad() {
        int status = run("--engine", "jdk-sync", "--iodepth", "lots");

        assertEquals(2, status);
        assertEquals("", out.toString(StandardCharsets.UTF_8));
        assertTrue(err.toString(StandardCharsets.UTF_8)
                .startsWith("bench: --iodepth: lots (expected: an integer from 1 to 4096)"), err.toString());
    }

    @Test
    void shouldPrintUsageForHelp() {
        int status = run("--help");

        assertEquals(0, status);
        String usage = out.toString(StandardCharsets.UTF_8);
        for (String flag : new String[] {"--engine", "--rw", "--bs", "--iodepth", "--direct", "--size", "--runtime",
            "--warmup", "--file", "--loops", "--json", "loop_stall_us_max"}) {
            assertTrue(usage.contains(flag), flag);
        }
    }

    private int run(String... args) {
        return BenchCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private JsonNode parseSoleJsonObject() throws Exception {
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(1, text.lines().count(), text);
        JsonNode json = new ObjectMapper().readTree(text);
        assertTrue(json.isObject(), text);
        return json;
    }
}
