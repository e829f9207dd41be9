package io.nettyaio.channel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.util.concurrent.EventExecutor;
import io.nettyaio.linux.AioContext;
import io.nettyaio.linux.NativeResources;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The contract on loops that busy-poll before they sleep ({@code io.nettyaio.busyPollMicros}), with a bound short
 * enough that some polls find their completion and others end in sleep; then what the poll itself promises.
 */
class BusyPollLoopTest extends AioFileChannelContractTest {
    private static AioEventLoopGroup group;
    private static long contextsBefore;

    @BeforeAll
    static void startGroup() {
        contextsBefore = NativeResources.openContexts();
        group = withBusyPoll("20", () -> new AioEventLoopGroup(1, 32));
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

    /** Creates a group with the busy-poll property set to {@code micros}, and restores the property. */
    private static <T> T withBusyPoll(String micros, Supplier<T> create) {
        return GroupProperties.withProperty(AioEventLoop.BUSY_POLL_PROP_NAME, micros, create);
    }

    /** Set by the surefire execution that reaps with io_getevents only: then no completion is seen without it. */
    private static final boolean RING_NOT_READ = Boolean.getBoolean(AioContext.NO_RING_REAPING_PROP_NAME);

    @Test
    void shouldFindEveryCompletionWithoutSleepingUnderALongBound() throws Exception {
        assumeFalse(RING_NOT_READ, "the AIO ring is not read in this run: the loop cannot poll (see the next test)");
        AioEventLoopGroup patient = withBusyPoll("1000000", () -> new AioEventLoopGroup(1, 32));
        try {
            AioEventLoop loop = patient.next();
            assumeTrue(loop.usesAio(), "the loop runs the blocking engine here (" + loop.engine()
                    + "): no ring to poll");
            AioMetricsSnapshot m = readWriteAndSync(loop);
            assertTrue(m.busyPolls() > 0, "the loop polled for the flushes at least: " + m);
            assertEquals(m.busyPolls(), m.busyPollHits(), "every poll found its completion within 1 s: " + m);
            assertTrue(m.busyPollNanos() > 0, m.toString());
        } finally {
            assertTrue(patient.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void shouldNotPollWhereTheRingIsNotRead() throws Exception {
        assumeTrue(RING_NOT_READ, "runs where -D" + AioContext.NO_RING_REAPING_PROP_NAME + "=true (its own execution)");
        AioEventLoopGroup patient = withBusyPoll("1000000", () -> new AioEventLoopGroup(1, 32));
        try {
            AioEventLoop loop = patient.next();
            assumeTrue(AioEngines.LINUX_AIO.equals(loop.engine()), "Linux AIO only: " + loop.engine());
            AioMetricsSnapshot m = readWriteAndSync(loop);
            assertEquals(0, m.busyPolls(), "only io_getevents sees completions: a poll would spin to its bound: " + m);
        } finally {
            assertTrue(patient.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(30, TimeUnit.SECONDS));
        }
    }

    /** 40 O_DIRECT reads, checked, with a write and an fdatasync after every fourth, one at a time on {@code loop}. */
    private AioMetricsSnapshot readWriteAndSync(AioEventLoop loop) throws Exception {
        byte[] data = random(16 * BLOCK, 40);
        Files.write(file, data);
        try (AioFileChannel ch = AioFileChannel.open(file, loop, READ, WRITE, AioOpenOption.DIRECT)) {
            ByteBuf block = AioBuffers.directBuffer(ch, BLOCK);
            try {
                for (int i = 0; i < 40; i++) {
                    int b = i % 16;
                    block.clear();
                    assertEquals(BLOCK, await(ch.read(block, (long) b * BLOCK)));
                    assertArrayEquals(Arrays.copyOfRange(data, b * BLOCK, (b + 1) * BLOCK),
                            ByteBufUtil.getBytes(block));
                    if (i % 4 == 0) {
                        assertEquals(BLOCK, await(ch.write(block, (long) b * BLOCK)));
                        await(ch.fdatasync()); // a flush is never complete inside the submit: the loop polls for it
                    }
                }
            } finally {
                block.release();
            }
        }
        return loop.submit(() -> loop.metrics().snapshot()).get(10, TimeUnit.SECONDS);
    }

    @Test
    void shouldSleepAtOnceWhenNoRequestIsInTheKernel() throws Exception {
        AioEventLoop loop = group.next();
        long polls = loop.submit(() -> loop.metrics().busyPolls()).get(10, TimeUnit.SECONDS);
        for (int i = 0; i < 20; i++) {
            loop.schedule(() -> { }, 1, TimeUnit.MILLISECONDS).get(10, TimeUnit.SECONDS);
        }
        assertEquals(polls, (long) loop.submit(() -> loop.metrics().busyPolls()).get(10, TimeUnit.SECONDS),
                "with nothing in the kernel there is nothing to poll for: the loop sleeps");
    }

    @Test
    void shouldRefuseABadBoundNamingThePropertyAndLeaveNothingBehind() {
        for (String bad : new String[] {"-1", "1000001", "ten", "1.5", ""}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> AioEventLoop.busyPollNanos(bad));
            assertEquals("-Dio.nettyaio.busyPollMicros=" + bad
                    + " (expected: microseconds, 0 to 1000000; 0 turns busy polling off)", e.getMessage());
        }
        assertEquals(0, AioEventLoop.busyPollNanos((String) null));
        assertEquals(TimeUnit.MICROSECONDS.toNanos(1_000_000), AioEventLoop.busyPollNanos("1000000"));
        GroupProperties.assertGroupRefusedLeavingNothing(AioEventLoop.BUSY_POLL_PROP_NAME, "-5");
    }
}
