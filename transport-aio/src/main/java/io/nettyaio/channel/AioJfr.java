package io.nettyaio.channel;

/**
 * The library's JDK Flight Recorder events, behind one facade that the request path calls. Each event is enabled,
 * disabled and given a threshold like any JFR event (a {@code .jfc} file, {@code jfr configure}, JMC, or
 * {@link jdk.jfr.Recording#enable(String)}):
 * <ul>
 * <li>{@value #SLOW_SUBMIT}: an {@code io_submit} that kept a loop busy for at least the threshold (default 1 ms);</li>
 * <li>{@value #BLOCKING_LANE}: a request sent to the blocking lane, and why ({@link #NOWAIT_REFUSED},
 *     {@link #NOWAIT_UNSUPPORTED}, {@link #METADATA}, {@link #BLOCKING_ENGINE});</li>
 * <li>{@value #ENGINE_DEGRADED}: an engine that cannot serve (unavailable at start, forced but unavailable, budget
 *     exhausted), from {@link #engineDegraded(String, Throwable)};</li>
 * <li>{@value #LOOP_STALL}: a turn of an {@link AioEventLoop} whose work (reap, tasks, submit) took at least the
 *     threshold (default 10 ms).</li>
 * </ul>
 *
 * <p>Zero cost when off: every method first asks whether its event is enabled (a static read, no allocation), and
 * only then measures or builds the event. {@code jdk.jfr} is touched only when the module is present (a jlink image
 * may leave it out): the event classes live in {@link JfrEvents}, loaded on first use behind {@link #PRESENT}.
 */
final class AioJfr {
    /** Event name: a slow io_submit. */
    static final String SLOW_SUBMIT = "io.nettyaio.SlowSubmit";
    /** Event name: a request sent to the blocking lane. */
    static final String BLOCKING_LANE = "io.nettyaio.BlockingLane";
    /** Event name: an engine that cannot serve. */
    static final String ENGINE_DEGRADED = "io.nettyaio.EngineDegraded";
    /** Event name: a long loop turn. */
    static final String LOOP_STALL = "io.nettyaio.LoopStall";

    /** RWF_NOWAIT: the kernel would have waited (EAGAIN, or a buffered read the page cache had only part of). */
    static final String NOWAIT_REFUSED = "nowait-refused";
    /** RWF_NOWAIT is not supported for this kind of request on this file (EOPNOTSUPP: tmpfs, FUSE, ...). */
    static final String NOWAIT_UNSUPPORTED = "nowait-unsupported";
    /** truncate or allocate: no asynchronous kernel interface for it (io_uring before Linux 6.9 for truncate). */
    static final String METADATA = "metadata";
    /** The blocking engine (the fallback) runs every request on the lane. */
    static final String BLOCKING_ENGINE = "blocking-engine";

    static final boolean PRESENT = isPresent();

    private AioJfr() { }

    private static boolean isPresent() {
        try {
            Class.forName("jdk.jfr.Event", false, AioJfr.class.getClassLoader());
            return true;
        } catch (Throwable t) {
            return false;
        }
    }

    /** @return an event begun now when {@value #SLOW_SUBMIT} is enabled, else {@code null} (nothing allocated) */
    static Object beginSubmit() {
        return PRESENT ? JfrEvents.beginSubmit() : null;
    }

    /**
     * Ends what {@link #beginSubmit()} began, committing it when it took at least the threshold.
     *
     * @param event what {@link #beginSubmit()} returned
     * @param accepted the requests io_submit accepted
     * @param left the prepared requests it did not accept (they wait for the next flush)
     */
    static void endSubmit(Object event, int accepted, int left) {
        if (event != null) {
            JfrEvents.endSubmit(event, accepted, left);
        }
    }

    /** {@code r}, started, goes to {@code engine}'s blocking lane. Loop thread. */
    static void blockingLane(AbstractIoEngine engine, IoRequest r) {
        if (PRESENT && JfrEvents.blockingLaneEnabled()) {
            JfrEvents.blockingLane(reason(engine, r), engine.name(), r.operation(), r.file().path().toString(),
                    r.offset(), r.remaining());
        }
    }

    /** @return why {@code r} goes to the lane; see the constants. Read before the lane runs it. */
    static String reason(AbstractIoEngine engine, IoRequest r) {
        if (engine instanceof BlockingEngine) {
            return BLOCKING_ENGINE;
        }
        if (!r.isKernelCapable()) {
            return METADATA;
        }
        // refused is remembered per file before the request is sent on: EOPNOTSUPP now or earlier
        return r.file().refusesNowait(r) ? NOWAIT_UNSUPPORTED : NOWAIT_REFUSED;
    }

    /**
     * An engine cannot serve: unavailable at start, forced but unavailable, or given up on. Any thread. Call it
     * where the unavailability is logged.
     *
     * @param engine the engine that cannot serve: {@link AioEngines#LINUX_AIO}, {@link AioEngines#IO_URING}, ...
     * @param cause why (its {@code toString()} is recorded)
     */
    static void engineDegraded(String engine, Throwable cause) {
        engineDegraded(engine, String.valueOf(cause));
    }

    /**
     * @param engine the engine that cannot serve
     * @param cause why, in words
     * @see #engineDegraded(String, Throwable)
     */
    static void engineDegraded(String engine, String cause) {
        if (PRESENT) {
            JfrEvents.engineDegraded(engine, cause);
        }
    }

    /** @return an event begun now when {@value #LOOP_STALL} is enabled, else {@code null}. Loop thread. */
    static Object beginTurn() {
        return PRESENT ? JfrEvents.beginTurn() : null;
    }

    /** Ends what {@link #beginTurn()} began, committing it when the turn took at least the threshold. */
    static void endTurn(Object event, String engine) {
        if (event != null) {
            JfrEvents.endTurn(event, engine);
        }
    }
}
