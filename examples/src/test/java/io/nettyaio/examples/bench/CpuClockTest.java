package io.nettyaio.examples.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

class CpuClockTest {

    @Test
    void shouldCountNanosecondsOfProcessCpuThatNeverGoBackwards() {
        assertTrue(CpuClock.isPrecise(), "clock_gettime(CLOCK_PROCESS_CPUTIME_ID) could not be loaded");
        long first = CpuClock.processCpuNanos();
        long x = 0;
        for (int i = 0; i < 1_000_000; i++) {
            x += Long.numberOfTrailingZeros(i ^ x);
        }
        long second = CpuClock.processCpuNanos();

        assertTrue(first > 0, Long.toString(first));
        assertTrue(second >= first, first + " then " + second + " " + x);
    }
}
