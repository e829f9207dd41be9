package io.nettyaio.channel;

import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.nettyaio.linux.NativeLibrary;
import io.nettyaio.linux.NativeThread;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The time slice an {@link AioEventLoop}'s thread asks the scheduler for (Linux 6.12+ custom slices, see
 * {@link NativeThread#setSchedulerSlice}). A completion loop runs for microseconds and sleeps; with the kernel's
 * default slice (0.75-3 ms by the number of CPUs), when it wakes on a CPU that another process is using it waits
 * for that process's turn to end. With a short slice it gets the CPU sooner, in shorter turns, at the same share of
 * the CPU. On this project's machine, with both cores half busy, depth-1 O_DIRECT reads went from 0.85x to 0.98x
 * fio's IOPS with it (8 rounds, alternating; BENCHMARKS.md section 8), and depth-32 reads on a quiet machine gained
 * 8 %. No privilege is needed; where the kernel has no custom slices the request is ignored. Threads a loop thread
 * starts (user code in a listener, io_uring's workers) do not inherit the slice.
 */
final class LoopThreadSlice {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(LoopThreadSlice.class);
    /** System property: the slice in microseconds, 100 to 100,000 (the kernel's range), or 0 to leave it as it is. */
    static final String PROP_NAME = "io.nettyaio.loopSliceMicros";
    static final long DEFAULT_MICROS = 100;
    private static final long MIN_MICROS = 100;
    private static final long MAX_MICROS = 100_000;
    private static final AtomicBoolean REFUSAL_LOGGED = new AtomicBoolean();

    private LoopThreadSlice() { }

    /**
     * @return the slice the system property asks for, in nanoseconds (0: leave the thread's slice alone)
     * @throws IllegalArgumentException when it is neither 0 nor a whole number of microseconds from 100 to 100000
     */
    static long nanosFromProperty() {
        return nanos(System.getProperty(PROP_NAME));
    }

    static long nanos(String value) {
        return MicrosProperty.nanos(PROP_NAME, value, DEFAULT_MICROS, MIN_MICROS, MAX_MICROS, "microseconds, "
                + MIN_MICROS + " to " + MAX_MICROS + ", or 0 to leave the thread's slice as it is");
    }

    /**
     * Asks for {@code nanos} on the calling thread. A refusal (a seccomp profile) leaves the thread as it was and is
     * said once at DEBUG: the loop works the same, only later to get a busy CPU. Without the native binding (the
     * blocking engine's loops on a machine without it) nothing is asked.
     */
    static void apply(long nanos) {
        if (nanos == 0 || !NativeLibrary.isLoaded()) {
            return;
        }
        try {
            NativeThread.setSchedulerSlice(nanos);
        } catch (Exception e) {
            if (REFUSAL_LOGGED.compareAndSet(false, true)) {
                logger.debug("The loop threads keep their time slice: {}", e.getMessage());
            }
        }
    }
}
