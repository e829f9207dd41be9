package io.nettyaio.channel;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import io.nettyaio.linux.NativeLibrary;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * How {@link IoUringEngine} handles completions, against a ring whose kernel completes every SQE as soon as it is
 * submitted (zram, a page-cache hit): completions recorded during the ring's run are handled after it, the ring is
 * submitted every {@value IoUringEngine#SUBMIT_EVERY} handled completions, and one handling is bounded (in count and
 * in time), leaving the rest for after the ring's next run.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class IoUringCompletionHandlingTest {
    private static final int CAPACITY = 8;
    private FileState file;
    private BlockingIoExecutor blocking;
    private final InlineRing ring = new InlineRing();
    private IoUringEngine engine;
    /** Cleared at the end of a test: chains stop, so that everything in flight completes and is released. */
    private boolean chaining = true;
    /** How long each completion's handler keeps the loop busy. */
    private long handlerNanos;

    @BeforeEach
    void openFile() throws Exception {
        assumeTrue(NativeLibrary.isLoaded(), "the native binding is unavailable");
        Path path = ReliabilitySupport.file("io-uring-handling.dat");
        OpenOptions options = OpenOptions.parse(StandardOpenOption.READ, StandardOpenOption.WRITE,
                StandardOpenOption.CREATE);
        file = new FileState(path, NativeFileIo.open(path, options), null, ImmediateEventExecutor.INSTANCE, options,
                1, 1);
        blocking = new BlockingIoExecutor("handling", 1);
        engine = new IoUringEngine(ImmediateEventExecutor.INSTANCE, CAPACITY, ring, true, blocking);
        ring.engine = engine;
    }

    @AfterEach
    void close() throws Exception {
        chaining = false;
        for (int i = 0; i < 100 && (!ring.queued.isEmpty() || engine != null && engine.hasCompletions()); i++) {
            ring.completeQueued();
            ring.runReturned();
        }
        if (blocking != null) {
            blocking.shutdown();
        }
        if (file != null) {
            file.io().close();
        }
    }

    @Test
    void shouldHandleCompletionsAfterTheRunAndSubmitWhileHandling() {
        int[] completed = {0};
        for (int i = 0; i < CAPACITY; i++) {
            write(completed, 0); // no chain: each completes once
        }
        assertEquals(CAPACITY, ring.queued.size(), "SQEs go to Netty at once when no completion is being handled");

        ring.completeQueued(); // Netty's run delivers them
        assertEquals(0, completed[0], "nothing is handled inside the run");
        assertTrue(engine.hasCompletions(), "the loop must not sleep on recorded completions");

        ring.runReturned();
        assertEquals(CAPACITY, completed[0]);
        assertFalse(engine.hasCompletions());
    }

    @Test
    void shouldBoundOneHandlingAndLeaveTheRestForTheNextRun() {
        int[] completed = {0};
        engine.handlingBudgetNanos(TimeUnit.MINUTES.toNanos(1)); // the count bound alone, however slow this JVM
        for (int i = 0; i < CAPACITY; i++) {
            write(completed, 1_000); // chains: each completion issues the next write, which completes on submission
        }
        ring.completeQueued();

        ring.runReturned();

        // What was recorded (8) plus min(capacity, 256) more (8): then the handling returns to the loop
        assertEquals(2 * CAPACITY, completed[0]);
        assertTrue(ring.submitNowCalls >= 2 * CAPACITY / IoUringEngine.SUBMIT_EVERY - 1,
                "submitted every " + IoUringEngine.SUBMIT_EVERY + " handled completions: " + ring.submitNowCalls);
        assertTrue(engine.hasCompletions(), "the rest waits, and keeps the loop awake");
        assertEquals(1, ring.pendingAfterRun.size(), "and is handled after the ring's next run");

        ring.runReturned();
        assertTrue(completed[0] > 2 * CAPACITY && completed[0] <= 4 * CAPACITY, "the next handling, bounded too: "
                + completed[0]);
    }

    @Test
    void shouldStopOneHandlingWhenItsTimeIsSpent() {
        int[] completed = {0};
        handlerNanos = IoUringEngine.HANDLING_BUDGET_NANOS / 2; // as if each handler submitted two cold reads
        for (int i = 0; i < CAPACITY; i++) {
            write(completed, 1_000);
        }
        ring.completeQueued();

        ring.runReturned();

        // The first submission point (every SUBMIT_EVERY completions) comes after the budget: the handling stops
        // there, well short of its count bound (16)
        assertEquals(IoUringEngine.SUBMIT_EVERY, completed[0]);
        assertTrue(engine.hasCompletions(), "the rest waits, and keeps the loop awake");
        assertEquals(1, ring.pendingAfterRun.size(), "and is handled after the ring's next run");

        ring.runReturned();
        assertEquals(2 * IoUringEngine.SUBMIT_EVERY, completed[0], "the next handling is bounded by time too");
    }

    private void write(int[] completed, int chainLength) {
        ByteBuf src = AioBuffers.directBuffer(4096, 4096).writeZero(4096); // the request's to release
        Promise<Integer> promise = ImmediateEventExecutor.INSTANCE.newPromise();
        IoRequest r = IoRequest.newRequest(file, IoRequest.WRITE, src, null, 0, 4096, promise);
        r.ioOptions(file.ioPriority(AioRequestOptions.DEFAULT), AioRequestOptions.DEFAULT.rwFlags());
        promise.addListener((GenericFutureListener<Future<Integer>>) f -> {
            completed[0]++;
            spin(handlerNanos);
            if (chaining && chainLength > 0) {
                write(completed, chainLength - 1);
            }
        });
        engine.submit(r);
    }

    /** Busy for at least {@code nanos}: time spent in a handler, which only ever makes the handling longer. */
    private static void spin(long nanos) {
        long end = System.nanoTime() + nanos;
        while (nanos > 0 && System.nanoTime() - end < 0) {
            Thread.onSpinWait();
        }
    }

    /** A ring whose kernel completes each SQE when it is submitted; "Netty's run" is driven by the test. */
    private static final class InlineRing implements IoUringRing {
        IoUringEngine engine;
        final ArrayDeque<Short> queued = new ArrayDeque<>();
        final List<Runnable> pendingAfterRun = new ArrayList<>();
        int submitNowCalls;

        @Override
        public long submit(byte opcode, int fd, long offset, long address, int length, int opFlags, short ioPrio,
                           short data) {
            queued.add(data);
            return 1;
        }

        /** Netty's run: submits what is queued, whose completions come back at once. */
        void completeQueued() {
            while (!queued.isEmpty()) {
                engine.onCompletion(queued.poll(), 4096);
            }
        }

        /** The run has returned: what was asked for then runs. */
        void runReturned() {
            List<Runnable> now = new ArrayList<>(pendingAfterRun);
            pendingAfterRun.clear();
            now.forEach(Runnable::run);
        }

        @Override
        public void run(long waitNanos) {
        }

        @Override
        public void submitNow() {
            submitNowCalls++;
            completeQueued();
        }

        @Override
        public void afterRun(Runnable action) {
            pendingAfterRun.add(action);
        }

        @Override
        public boolean isDrivenByEngine() {
            return true;
        }
    }
}
