package io.nettyaio.examples.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MeasurementTest {

    @Test
    void shouldCountOnlyWhatWasRecordedInsideTheWindow() {
        Measurement measurement = new Measurement();
        LatencyRecorder first = measurement.newRecorder();
        LatencyRecorder second = measurement.newRecorder();
        first.recordSince(System.nanoTime() - 1_000_000);
        assertEquals(1, measurement.poll());

        first.recordSince(System.nanoTime());
        measurement.begin();
        first.recordSince(System.nanoTime() - 2_000);
        second.recordSince(System.nanoTime() - 3_000);
        assertEquals(2, measurement.poll());
        second.recordSince(System.nanoTime() - 4_000);
        BenchResult result = measurement.end(BenchOptions.defaults());

        assertEquals(3, result.ops());
        assertTrue(result.latUsMax() >= 4, Double.toString(result.latUsMax()));
    }

    @Test
    void shouldReportTheWorstStallSeenInsideTheWindow() {
        Measurement measurement = new Measurement();
        StallProbe probe = measurement.newStallProbe();
        probe.run(); // long overdue: it was never scheduled, so its due time is the epoch of System.nanoTime()
        measurement.begin();

        BenchResult result = measurement.end(BenchOptions.defaults());

        assertEquals(0, result.loopStallUsMax());
    }

    @Test
    void shouldRefuseToEndBeforeBeginning() {
        assertThrows(IllegalStateException.class, () -> new Measurement().end(BenchOptions.defaults()));
    }
}
