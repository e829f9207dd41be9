package io.nettyaio.channel;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;

/**
 * The JFR event classes of {@link AioJfr}, which is the only class that refers to this one, and only once it has
 * found {@code jdk.jfr} present. Each {@code *_ENABLED} probe is an instance never committed: its
 * {@link Event#isEnabled()} reads JFR's state for the class without allocating.
 */
final class JfrEvents {
    private static final SlowSubmit SLOW_SUBMIT_PROBE = new SlowSubmit();
    private static final BlockingLane BLOCKING_LANE_PROBE = new BlockingLane();
    private static final LoopStall LOOP_STALL_PROBE = new LoopStall();

    private JfrEvents() { }

    static Object beginSubmit() {
        if (!SLOW_SUBMIT_PROBE.isEnabled()) {
            return null;
        }
        SlowSubmit e = new SlowSubmit();
        e.begin();
        return e;
    }

    static void endSubmit(Object event, int accepted, int left) {
        SlowSubmit e = (SlowSubmit) event;
        e.end();
        if (e.shouldCommit()) {
            e.accepted = accepted;
            e.left = left;
            e.commit();
        }
    }

    static boolean blockingLaneEnabled() {
        return BLOCKING_LANE_PROBE.isEnabled();
    }

    static void blockingLane(String reason, String engine, String operation, String path, long position,
                             long length) {
        BlockingLane e = new BlockingLane();
        e.reason = reason;
        e.engine = engine;
        e.operation = operation;
        e.path = path;
        e.position = position;
        e.length = length;
        e.commit();
    }

    static void engineDegraded(String engine, String cause) {
        EngineDegraded e = new EngineDegraded();
        if (e.isEnabled()) {
            e.engine = engine;
            e.cause = cause;
            e.commit();
        }
    }

    static Object beginTurn() {
        if (!LOOP_STALL_PROBE.isEnabled()) {
            return null;
        }
        LoopStall e = new LoopStall();
        e.begin();
        return e;
    }

    static void endTurn(Object event, String engine) {
        LoopStall e = (LoopStall) event;
        e.end();
        if (e.shouldCommit()) {
            e.engine = engine;
            e.commit();
        }
    }

    @Name(AioJfr.SLOW_SUBMIT)
    @Label("Slow io_submit")
    @Category({"netty-aio"})
    @Description("An io_submit that kept a completion loop busy for at least the threshold: the loop ran nothing "
            + "else meanwhile")
    @Threshold("1 ms")
    @StackTrace(false)
    static final class SlowSubmit extends Event {
        @Label("Accepted")
        @Description("Requests the kernel accepted")
        int accepted;

        @Label("Left")
        @Description("Prepared requests not accepted (EAGAIN): they wait for the next flush")
        int left;
    }

    @Name(AioJfr.BLOCKING_LANE)
    @Label("Request to the blocking lane")
    @Category({"netty-aio"})
    @Description("A file request that runs on a blocking thread instead of the kernel's asynchronous interface")
    @StackTrace(false)
    static final class BlockingLane extends Event {
        @Label("Reason")
        @Description("nowait-refused (EAGAIN, or a partial page-cache hit), nowait-unsupported (EOPNOTSUPP: tmpfs, "
                + "FUSE, ...), metadata (truncate, allocate) or blocking-engine (the fallback)")
        String reason;

        @Label("Engine")
        String engine;

        @Label("Operation")
        String operation;

        @Label("Path")
        String path;

        @Label("Position")
        long position;

        @Label("Length")
        @DataAmount
        long length;
    }

    @Name(AioJfr.ENGINE_DEGRADED)
    @Label("Engine degraded")
    @Category({"netty-aio"})
    @Description("An engine that cannot serve: unavailable at start, forced but unavailable, or given up on")
    @StackTrace(false)
    static final class EngineDegraded extends Event {
        @Label("Engine")
        String engine;

        @Label("Cause")
        String cause;
    }

    @Name(AioJfr.LOOP_STALL)
    @Label("Loop stall")
    @Category({"netty-aio"})
    @Description("A turn of an AioEventLoop (reap, tasks, submit) that took at least the threshold: completions and "
            + "tasks of that loop waited meanwhile")
    @Threshold("10 ms")
    @StackTrace(false)
    static final class LoopStall extends Event {
        @Label("Engine")
        String engine;
    }
}
