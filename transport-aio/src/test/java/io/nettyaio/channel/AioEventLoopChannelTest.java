package io.nettyaio.channel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.nettyaio.linux.NativeResources;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** The contract on our own completion loop, plus what is specific to it: batching, back-pressure, shutdown. */
class AioEventLoopChannelTest extends AioFileChannelContractTest {
    private static AioEventLoopGroup group;
    private static long contextsBefore;

    @BeforeAll
    static void startGroup() {
        contextsBefore = NativeResources.openContexts();
        group = new AioEventLoopGroup(1, 32);
    }

    @AfterAll
    static void stopGroup() throws InterruptedException {
        assertTrue(group.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(30, TimeUnit.SECONDS));
        assertEquals(contextsBefore, NativeResources.openContexts(), "AIO context leaked");
    }

    @Override
    protected EventExecutor executor() {
        return group.next();
    }

    @Override
    protected boolean completesOnExecutorThread() {
        return true;
    }

    @Test
    void shouldQueueTenThousandRequestsOnContextOfThirtyTwoAndLoseNone() throws Exception {
        Files.write(file, random(256 * BLOCK, 20));
        AioEventLoop loop = group.next();
        long completedBefore = loop.metrics().completed();
        try (AioFileChannel ch = open(file, READ, AioOpenOption.DIRECT)) { // O_DIRECT: always the AIO path
            int n = 10_000;
            CountDownLatch done = new CountDownLatch(n);
            AtomicInteger ok = new AtomicInteger();
            for (int i = 0; i < n; i++) {
                ByteBuf dst = AioBuffers.directBuffer(ch, ch.offsetAlignment());
                ch.read(dst, (long) (i % 256) * BLOCK).addListener(f -> {
                    if (f.isSuccess() && (Integer) f.getNow() == ch.offsetAlignment()) {
                        ok.incrementAndGet();
                    }
                    dst.release();
                    done.countDown();
                });
            }
            assertTrue(done.await(60, TimeUnit.SECONDS));
            assertEquals(n, ok.get());
            // counters are the loop's: read them there, after the turn that completed the last request
            AioMetrics m = loop.submit(() -> loop.metrics()).get(10, TimeUnit.SECONDS);
            assertTrue(m.queuedHighWater() > 0, "requests beyond 32 must have waited in the queue");
            assertTrue(m.completed() - completedBefore >= n, m.toString());
            assertEquals(0, m.inFlight());
        }
    }

    @Test
    void shouldSubmitABatchOfThirtyTwoWithOneSystemCall() throws Exception {
        Files.write(file, random(32 * BLOCK, 21));
        AioEventLoop loop = group.next();
        try (AioFileChannel ch = open(file, READ, AioOpenOption.DIRECT)) { // O_DIRECT: always the AIO path
            int rounds = 50;
            long callsBefore = loop.metrics().submitCalls();
            long submittedBefore = loop.metrics().submitted();
            long reapsBefore = loop.metrics().reapCalls();
            for (int r = 0; r < rounds; r++) {
                CountDownLatch done = new CountDownLatch(32);
                List<ByteBuf> bufs = new ArrayList<>();
                loop.execute(() -> {
                    // 32 requests made in one loop turn
                    for (int i = 0; i < 32; i++) {
                        ByteBuf dst = AioBuffers.directBuffer(ch, BLOCK);
                        bufs.add(dst);
                        ch.read(dst, (long) i * BLOCK).addListener(f -> done.countDown());
                    }
                });
                assertTrue(done.await(30, TimeUnit.SECONDS));
                bufs.forEach(ByteBuf::release);
            }
            loop.submit(() -> { }).get(10, TimeUnit.SECONDS); // let the loop finish the turn that completed the last
            long calls = loop.metrics().submitCalls() - callsBefore;
            long submitted = loop.metrics().submitted() - submittedBefore;
            long reaps = loop.metrics().reapCalls() - reapsBefore;
            double perRequest = (double) calls / submitted;
            System.out.printf("batching at depth 32: %d requests, %d io_submit (%.3f per request), %d loop turns "
                    + "reaping the ring (%.3f per request, no io_getevents)%n", submitted, calls, perRequest, reaps,
                    (double) reaps / submitted);
            assertEquals(rounds * 32L, submitted);
            assertTrue(perRequest <= 0.1, "io_submit calls per request: " + perRequest);
        }
    }

    @Test
    void shouldCancelRequestsStillWaitingForASlot() throws Exception {
        Files.write(file, random(64 * BLOCK, 22));
        AioEventLoop loop = group.next();
        try (AioFileChannel ch = open(file, READ, AioOpenOption.DIRECT)) { // O_DIRECT: always the AIO path
            int n = 200;
            List<Future<Integer>> futures = new ArrayList<>();
            List<ByteBuf> bufs = new ArrayList<>();
            CountDownLatch made = new CountDownLatch(1);
            loop.execute(() -> {
                // All made in one turn: 32 get slots, the rest wait; cancel is only possible for those
                for (int i = 0; i < n; i++) {
                    ByteBuf dst = AioBuffers.directBuffer(ch, BLOCK);
                    bufs.add(dst);
                    futures.add(ch.read(dst, (long) (i % 64) * BLOCK));
                }
                int cancelled = 0;
                for (Future<Integer> f : futures) {
                    if (f.cancel(false)) {
                        cancelled++;
                    }
                }
                assertEquals(n - loop.capacity(), cancelled, "exactly the waiting requests are cancellable");
                made.countDown();
            });
            assertTrue(made.await(30, TimeUnit.SECONDS));
            int completed = 0;
            int cancelled = 0;
            for (Future<Integer> f : futures) {
                assertTrue(f.await(30, TimeUnit.SECONDS));
                if (f.isSuccess()) {
                    completed++;
                } else {
                    assertInstanceOf(CancellationException.class, f.cause());
                    cancelled++;
                }
            }
            assertEquals(loop.capacity(), completed);
            assertEquals(n - loop.capacity(), cancelled);
            for (ByteBuf b : bufs) {
                assertEquals(1, b.refCnt(), "the channel released its reference");
                b.release();
            }
        }
    }

    @Test
    void shouldFailQueuedRequestsAndCloseFilesWhenLoopShutsDown() throws Exception {
        Files.write(file, random(64 * BLOCK, 23));
        AioEventLoopGroup own = new AioEventLoopGroup(1, 8);
        AioFileChannel ch = AioFileChannel.open(file, own.next(), READ);
        int n = 100;
        CountDownLatch all = new CountDownLatch(n);
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger closed = new AtomicInteger();
        for (int i = 0; i < n; i++) {
            ByteBuf dst = Unpooled.directBuffer(BLOCK);
            ch.read(dst, (long) (i % 64) * BLOCK).addListener(f -> {
                if (f.isSuccess()) {
                    ok.incrementAndGet();
                } else if (f.cause() instanceof ClosedChannelException) {
                    closed.incrementAndGet();
                }
                dst.release();
                all.countDown();
            });
        }
        assertTrue(own.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(30, TimeUnit.SECONDS));
        assertTrue(all.await(30, TimeUnit.SECONDS), "every request completes or fails");
        assertEquals(n, ok.get() + closed.get());
        assertFalse(ch.isOpen(), "channels of a terminated loop are closed");
        ByteBuf dst = Unpooled.directBuffer(8);
        assertInstanceOf(ClosedChannelException.class, failure(ch.read(dst, 0)));
        dst.release();
    }

    /**
     * The opener looks at the path first, but the path may become a FIFO before the open: the kernel engine opens
     * with O_NONBLOCK and checks what it got, so even then nothing blocks.
     */
    @Test
    void shouldRefuseAFifoWithoutBlockingEvenPastTheOpenersCheck() throws Exception {
        Path fifo = DIR.resolve("native-open.fifo");
        Files.deleteIfExists(fifo);
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertTrue(mkfifo.waitFor(30, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "mkfifo failed");
        try {
            for (OpenOptions options : List.of(OpenOptions.parse(READ), OpenOptions.parse(READ, WRITE))) {
                Throwable e = openWithin(() -> NativeFileIo.open(fifo, options), fifo, "a FIFO with the native open");
                assertInstanceOf(java.nio.file.FileSystemException.class, e);
                assertEquals(fifo + ": is a FIFO (named pipe) (expected: a regular file or a block device)",
                        e.getMessage());
            }
        } finally {
            Files.deleteIfExists(fifo);
        }
    }

    /**
     * The loop sleeps until its next scheduled task is due, not to the next whole millisecond: of 50 tasks one after
     * the other, each due 100 us after the last ran, every one ran at least 0.9 ms late when each sleep was rounded up
     * to 1 ms (and on the io_uring engine a task already due cost a 1 ms sleep). The earliest of the 50 is compared,
     * so that a busy machine delaying some of them does not matter. Only the eventfd wait, {@code poll(2)} in
     * milliseconds, still rounds up.
     */
    @Test
    void shouldWakeForAScheduledTaskWithoutRoundingToMilliseconds() throws Exception {
        AioEventLoop loop = group.next();
        assumeFalse(LinuxAioEngine.NAME.equals(loop.engine())
                        && !Boolean.parseBoolean(System.getProperty(AioLoopDriver.WAIT_IN_GETEVENTS_PROP_NAME, "true")),
                "the eventfd wait sleeps in poll(2), in milliseconds");
        int tasks = 50;
        long delayNanos = TimeUnit.MICROSECONDS.toNanos(100);
        CountDownLatch done = new CountDownLatch(1);
        long[] earliestLateness = {Long.MAX_VALUE};
        loop.execute(() -> {
            long[] due = {System.nanoTime() + delayNanos};
            Runnable[] next = new Runnable[1];
            int[] left = {tasks};
            next[0] = () -> {
                long now = System.nanoTime();
                earliestLateness[0] = Math.min(earliestLateness[0], now - due[0]);
                if (--left[0] == 0) {
                    done.countDown();
                } else {
                    due[0] = now + delayNanos;
                    loop.schedule(next[0], delayNanos, TimeUnit.NANOSECONDS);
                }
            };
            loop.schedule(next[0], delayNanos, TimeUnit.NANOSECONDS);
        });
        assertTrue(done.await(30, TimeUnit.SECONDS), "the scheduled tasks ran");
        assertTrue(earliestLateness[0] < TimeUnit.MICROSECONDS.toNanos(900), "the earliest of " + tasks
                + " tasks due 100 us apart ran " + earliestLateness[0] / 1000 + " us late on " + loop.engine());
    }
}
