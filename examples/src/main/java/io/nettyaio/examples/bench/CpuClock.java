package io.nettyaio.examples.bench;

import jnr.ffi.LibraryLoader;
import jnr.ffi.LibraryOption;
import jnr.ffi.annotations.IgnoreError;
import jnr.ffi.annotations.Out;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * The whole process's CPU time (user + system, every thread, the JVM's own included), or -1 where it cannot be told.
 *
 * <p>{@code clock_gettime(CLOCK_PROCESS_CPUTIME_ID)} first: it counts in nanoseconds. The JDK's
 * {@code OperatingSystemMXBean.getProcessCpuTime()} is the fallback: on Linux it calls {@code times(2)}, which counts
 * in clock ticks (10 ms), too coarse for a window that burns 0.2 s of CPU (large-block runs).
 */
final class CpuClock {
    /** From {@code <time.h>}; the same on every Linux architecture. */
    private static final int CLOCK_PROCESS_CPUTIME_ID = 2;
    private static final PosixClock POSIX = loadPosixClock();
    private static final OperatingSystemMXBean OS = ManagementFactory.getOperatingSystemMXBean();

    private CpuClock() { }

    static long processCpuNanos() {
        if (POSIX != null) {
            long[] timespec = new long[2];
            if (POSIX.clock_gettime(CLOCK_PROCESS_CPUTIME_ID, timespec) == 0) {
                return timespec[0] * 1_000_000_000L + timespec[1];
            }
        }
        if (OS instanceof com.sun.management.OperatingSystemMXBean) {
            return ((com.sun.management.OperatingSystemMXBean) OS).getProcessCpuTime();
        }
        return -1;
    }

    /** Whether {@link #processCpuNanos()} counts in nanoseconds rather than clock ticks. */
    static boolean isPrecise() {
        return POSIX != null;
    }

    private static PosixClock loadPosixClock() {
        try {
            PosixClock clock = LibraryLoader.create(PosixClock.class)
                    .failImmediately()
                    .option(LibraryOption.LoadNow, true)
                    .load("c");
            return clock.clock_gettime(CLOCK_PROCESS_CPUTIME_ID, new long[2]) == 0 ? clock : null;
        } catch (Throwable t) {
            // Not Linux, no jnr-ffi stub for this platform: the JDK's coarser clock will do.
            return null;
        }
    }

    /** libc's {@code clock_gettime}; public so that jnr-ffi can implement it. */
    public interface PosixClock {
        /**
         * Reads a clock.
         *
         * @param clockId  the clock
         * @param timespec {@code struct timespec} on 64-bit Linux: seconds, then nanoseconds
         * @return 0, or -1 on error
         */
        @IgnoreError
        int clock_gettime(int clockId, @Out long[] timespec);
    }
}
