package io.nettyaio.linux;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Global counters of the kernel and native resources this module holds: AIO contexts, eventfds, timerfds, open
 * files and bytes of off-heap memory. Each is incremented on creation and decremented on release, so tests can
 * assert that everything is back to where it was after a test (a leak shows up as a non-zero difference).
 *
 * <p>Thread-safe; reading is cheap (a volatile read).
 */
public final class NativeResources {
    static final AtomicLong CONTEXTS = new AtomicLong();
    static final AtomicLong CONTEXT_EVENTS = new AtomicLong();
    static final AtomicLong EVENT_FDS = new AtomicLong();
    static final AtomicLong TIMER_FDS = new AtomicLong();
    static final AtomicLong FILES = new AtomicLong();
    static final AtomicLong MEMORY_BYTES = new AtomicLong();
    static final AtomicLong MEMORY_BLOCKS = new AtomicLong();

    private NativeResources() { }

    /** @return AIO contexts created and not yet destroyed */
    public static long openContexts() {
        return CONTEXTS.get();
    }

    /** @return the sum of the capacities (events) of the open contexts: what they hold of fs.aio-nr */
    public static long contextEvents() {
        return CONTEXT_EVENTS.get();
    }

    /** @return eventfds opened and not yet closed */
    public static long openEventFds() {
        return EVENT_FDS.get();
    }

    /** @return {@link TimerFd}s opened and not yet closed */
    public static long openTimerFds() {
        return TIMER_FDS.get();
    }

    /** @return {@link NativeFile}s opened and not yet closed */
    public static long openFiles() {
        return FILES.get();
    }

    /** @return bytes of off-heap memory allocated by {@link NativeMemory} and not yet freed */
    public static long memoryBytes() {
        return MEMORY_BYTES.get();
    }

    /** @return blocks of off-heap memory allocated by {@link NativeMemory} and not yet freed */
    public static long memoryBlocks() {
        return MEMORY_BLOCKS.get();
    }

    /** @return a one-line summary for logs and test failure messages */
    public static String summary() {
        return "contexts=" + openContexts() + " (events " + contextEvents() + "), eventfds=" + openEventFds()
                + ", timerfds=" + openTimerFds() + ", files=" + openFiles() + ", memory=" + memoryBytes() + " bytes in "
                + memoryBlocks() + " blocks";
    }
}
