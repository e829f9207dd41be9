package io.nettyaio.examples.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchResultTest {
    /** The --json contract read by compare.sh, in order. */
    static final List<String> KEYS = List.of("engine", "io_engine", "rw", "bs", "iodepth", "direct", "ops", "seconds", "iops",
            "mib_per_s", "lat_us_p50", "lat_us_p99", "lat_us_p999", "lat_us_max", "cpu_seconds", "cpu_us_per_op",
            "loop_stall_us_max");

    @Test
    void shouldWriteEveryKeyOfTheJsonContractInOrder() throws Exception {
        Histogram h = LatencyRecorder.newHistogram();
        for (int i = 1; i <= 1000; i++) {
            h.recordValue(i * 1000L);
        }
        BenchOptions options = BenchOptions.defaults();
        BenchResult result = BenchResult.of(options, h, 2.0, 0.5, 1500);

        JsonNode json = new ObjectMapper().readTree(result.toJson());

        assertEquals(KEYS, fieldNames(json));
        assertEquals("aio", json.get("engine").asText());
        assertTrue(json.get("io_engine").isNull(), "no library engine named yet");
        assertEquals("io_uring", new ObjectMapper().readTree(result.withIoEngine("io_uring").toJson())
                .get("io_engine").asText());
        assertEquals("randread", json.get("rw").asText());
        assertEquals(4096, json.get("bs").asInt());
        assertEquals(32, json.get("iodepth").asInt());
        assertTrue(json.get("direct").asBoolean());
        assertEquals(1000, json.get("ops").asLong());
        assertEquals(500.0, json.get("iops").asDouble(), 0.01);
        assertEquals(500.0 * 4096 / 1048576, json.get("mib_per_s").asDouble(), 0.01);
        assertEquals(500, json.get("lat_us_p50").asDouble(), 1);
        assertEquals(990, json.get("lat_us_p99").asDouble(), 1);
        assertEquals(1000, json.get("lat_us_max").asDouble(), 1);
        assertEquals(0.5, json.get("cpu_seconds").asDouble(), 1e-9);
        assertEquals(500, json.get("cpu_us_per_op").asDouble(), 1e-9);
        assertEquals(1.5, json.get("loop_stall_us_max").asDouble(), 1e-9);
    }

    @Test
    void shouldWriteNullForUnknownNumbers() throws Exception {
        BenchResult result = BenchResult.of(BenchOptions.defaults(), LatencyRecorder.newHistogram(), 1.0, Double.NaN,
                0);

        JsonNode json = new ObjectMapper().readTree(result.toJson());

        assertEquals(KEYS, fieldNames(json));
        assertEquals(0, json.get("ops").asLong());
        assertTrue(json.get("cpu_seconds").isNull());
        assertTrue(json.get("cpu_us_per_op").isNull());
        assertFalse(result.toJson().contains("NaN"));
    }

    @Test
    void shouldPutARatioColumnBesideTwoResults() {
        Histogram h = LatencyRecorder.newHistogram();
        h.recordValue(100_000);
        BenchResult a = BenchResult.of(BenchOptions.defaults(), h, 1.0, 1.0, 0);
        BenchResult b = BenchResult.of(BenchOptions.defaults().withEngine(EngineKind.JDK_ASYNC), h, 2.0, 1.0, 0);

        String table = ResultTable.format(List.of(a, b));

        assertEquals(List.of("aio", "jdk-async", "aio/jdk-async"),
                List.of(table.lines().findFirst().orElseThrow().trim().split(" +")), table);
        assertTrue(table.lines().anyMatch(l -> l.startsWith("IOPS") && l.endsWith("2.00x")), table);
    }

    static List<String> fieldNames(JsonNode json) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = json.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }
}
