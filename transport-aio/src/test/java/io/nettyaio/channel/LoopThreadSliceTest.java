package io.nettyaio.channel;

import io.nettyaio.linux.NativeThread;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The time slice a loop's thread asks the scheduler for ({@code io.nettyaio.loopSliceMicros}). */
class LoopThreadSliceTest {

    @Test
    void shouldGiveEachLoopThreadTheDefaultShortSlice() throws Exception {
        long kernelDefault = freshThreadSlice();
        assumeTrue(kernelDefault > 0, "this kernel reports no slice (custom slices need Linux 6.12)");
        assertEquals(100_000, loopSlice(null));
        assertEquals(250_000, loopSlice("250"));
        assertEquals(kernelDefault, loopSlice("0"), "0 leaves the slice as it is");
        assertEquals(kernelDefault, freshThreadSlice(), "a loop's slice stays on its own thread");
    }

    @Test
    void shouldNotPassTheSliceToThreadsALoopStarts() throws Exception {
        long kernelDefault = freshThreadSlice();
        assumeTrue(kernelDefault > 0, "this kernel reports no slice (custom slices need Linux 6.12)");
        AioEventLoopGroup group = withSlice(null, () -> new AioEventLoopGroup(1, 8));
        try {
            // user code in a listener that starts a thread (a pool's worker, another event loop)
            long started = group.next().submit(LoopThreadSliceTest::freshThreadSlice).get(30, TimeUnit.SECONDS);
            assertEquals(kernelDefault, started);
        } finally {
            assertTrue(group.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void shouldRefuseABadSliceNamingThePropertyAndLeaveNothingBehind() {
        for (String bad : new String[] {"-1", "99", "100001", "ten", "1.5", ""}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> LoopThreadSlice.nanos(bad));
            assertEquals("-Dio.nettyaio.loopSliceMicros=" + bad
                    + " (expected: microseconds, 100 to 100000, or 0 to leave the thread's slice as it is)",
                    e.getMessage());
        }
        assertEquals(0, LoopThreadSlice.nanos("0"));
        assertEquals(100_000_000, LoopThreadSlice.nanos(" 100000 "));
        GroupProperties.assertGroupRefusedLeavingNothing(LoopThreadSlice.PROP_NAME, "20");
    }

    /** The slice a new group's loop thread reports, with the property set to {@code micros} ({@code null}: unset). */
    private static long loopSlice(String micros) throws Exception {
        AioEventLoopGroup group = withSlice(micros, () -> new AioEventLoopGroup(1, 8));
        try {
            return group.next().submit(NativeThread::schedulerSlice).get(10, TimeUnit.SECONDS);
        } finally {
            assertTrue(group.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(30, TimeUnit.SECONDS));
        }
    }

    private static long freshThreadSlice() throws Exception {
        CompletableFuture<Long> slice = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                slice.complete(NativeThread.schedulerSlice());
            } catch (Throwable e) {
                slice.completeExceptionally(e);
            }
        });
        t.start();
        t.join(TimeUnit.SECONDS.toMillis(30));
        return slice.get(10, TimeUnit.SECONDS);
    }

    private static <T> T withSlice(String micros, Supplier<T> create) {
        return GroupProperties.withProperty(LoopThreadSlice.PROP_NAME, micros, create);
    }
}
