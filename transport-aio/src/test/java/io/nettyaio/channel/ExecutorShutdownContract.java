package io.nettyaio.channel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.Function;

import static io.nettyaio.channel.ReliabilitySupport.BLOCK;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What happens to channels and their listeners when the executor a channel was opened with shuts down, written once
 * and run on every engine: {@link ExecutorShutdownTest} with Linux AIO (where available), and
 * {@link FallbackEngineExecutorShutdownTest} on the fallback engine. Every request completes, successfully or with
 * {@link ClosedChannelException}; every listener runs exactly once, also when the executor it would run on has
 * terminated; and the channels close with the executor.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
abstract class ExecutorShutdownContract {
    private ReliabilitySupport.Resources before;

    @BeforeAll
    static void startTheDefaultGroup() {
        // It serves executors that are no loop of ours, and lives as long as the JVM: not a leak of any one test
        AioEventLoopGroup.Default.instance();
    }

    @BeforeEach
    void snapshot() {
        before = new ReliabilitySupport.Resources();
    }

    @AfterEach
    void noLeaks() {
        before.assertNativeUnchanged();
        LeakRecorder.assertNoLeaks();
    }

    /** Counts the calls of one listener per request. */
    private static final class Calls {
        final AtomicIntegerArray calls;

        Calls(int n) {
            calls = new AtomicIntegerArray(n);
        }

        GenericFutureListener<Future<Object>> listener(int id) {
            return f -> calls.incrementAndGet(id);
        }

        void assertEachOnce(String what) {
            for (int i = 0; i < calls.length(); i++) {
                assertEquals(1, calls.get(i), what + ": calls of listener " + i);
            }
        }
    }

    @Test
    void shouldFailEveryRequestAndRunEveryListenerOnceOnAChannelWhoseLoopTerminated() throws Exception {
        Path f = ReliabilitySupport.file(getClass().getSimpleName() + "-terminated-loop.dat");
        Files.write(f, ReliabilitySupport.random(BLOCK, 1));
        AioEventLoopGroup group = new AioEventLoopGroup(1, 8);
        AioFileChannel ch = AioFileChannel.open(f, group.next(), READ, WRITE);
        assertTrue(group.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(30, TimeUnit.SECONDS));
        assertFalse(ch.isOpen(), "the loop closed its channel");
        ByteBuf dst = Unpooled.directBuffer(BLOCK);
        ByteBuf src = Unpooled.directBuffer(BLOCK).writeZero(BLOCK);
        List<Function<AioFileChannel, Future<?>>> requests = List.of(c -> c.read(dst, 0), c -> c.write(src, 0),
                AioFileChannel::fsync, AioFileChannel::fdatasync, c -> c.truncate(0), c -> c.allocate(0, BLOCK),
                c -> c.read(new ByteBuf[]{dst}, 0), c -> c.closeAsync());
        Calls whenMade = new Calls(requests.size());
        Calls whenDone = new Calls(requests.size());
        for (int i = 0; i < requests.size(); i++) {
            @SuppressWarnings("unchecked")
            Future<Object> fut = (Future<Object>) requests.get(i).apply(ch);
            fut.addListener(whenMade.listener(i));
            assertTrue(fut.await(30, TimeUnit.SECONDS), "request " + i + " never completed");
            fut.addListener(whenDone.listener(i));
            if (i < requests.size() - 1) {
                assertInstanceOf(ClosedChannelException.class, fut.cause(), "request " + i);
            } else {
                assertTrue(fut.isSuccess(), "closeAsync of a closed channel succeeds");
            }
        }
        whenMade.assertEachOnce("added when the request was made");
        whenDone.assertEachOnce("added once it had completed");
        assertEquals(1, dst.refCnt());
        assertEquals(1, src.refCnt());
        dst.release();
        src.release();
    }

    @Test
    void shouldRefuseToOpenOnATerminatedExecutorNamingItAndSayingItHasTerminated() throws Exception {
        Path f = ReliabilitySupport.file(getClass().getSimpleName() + "-open-terminated.dat");
        Files.write(f, ReliabilitySupport.random(BLOCK, 4));
        AioEventLoopGroup group = new AioEventLoopGroup(1, 8);
        AioEventLoop loop = group.next();
        DefaultEventExecutor user = new DefaultEventExecutor();
        assertTrue(group.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(30, TimeUnit.SECONDS));
        assertTrue(user.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(30, TimeUnit.SECONDS));
        for (EventExecutor executor : List.of(loop, user)) {
            ClosedChannelException e = assertThrows(ClosedChannelException.class,
                    () -> AioFileChannel.open(f, executor, READ));
            assertEquals("cannot open " + f + " on " + executor + ": it has terminated (expected: an executor that "
                    + "has not been shut down)", e.getMessage());
        }
    }

    @Test
    void shouldRunListenersOnceOnTheCompletingThreadWhenTheUsersExecutorHasTerminatedMeanwhile() throws Exception {
        Path f = ReliabilitySupport.file(getClass().getSimpleName() + "-terminated-executor.dat");
        Files.write(f, ReliabilitySupport.random(BLOCK, 2));
        DefaultEventExecutor user = new DefaultEventExecutor();
        AioFileChannel ch = AioFileChannel.open(f, user, READ);
        EventExecutor completionLoop = ch.completionLoop();
        CountDownLatch loopBlocked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        completionLoop.execute(() -> {
            loopBlocked.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(loopBlocked.await(30, TimeUnit.SECONDS));
        Calls calls = new Calls(2);
        ByteBuf dst = Unpooled.directBuffer(BLOCK);
        @SuppressWarnings("unchecked")
        Future<Object> read = (Future<Object>) (Future<?>) ch.read(dst, 0);
        read.addListener(calls.listener(0)); // before completion: the completion loop is busy
        assertFalse(read.isDone());
        assertTrue(user.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(30, TimeUnit.SECONDS));
        release.countDown();
        assertTrue(read.await(30, TimeUnit.SECONDS), "the read never completed");
        read.addListener(calls.listener(1));
        assertTrue(read.isSuccess() || read.cause() instanceof ClosedChannelException, () -> "got " + read.cause());
        calls.assertEachOnce("listeners of a request whose executor terminated");
        assertTrue(ch.closeAsync().await(30, TimeUnit.SECONDS));
        assertEquals(1, dst.refCnt());
        dst.release();
    }

    /**
     * Files opened with a Netty epoll loop, 2,000 reads issued, and the epoll group shut down at once. With Linux
     * AIO the loop itself runs the requests; on the fallback engine a loop of the default group does, for the
     * epoll loop. Either way every request completes and every listener runs once, and the channels close with the
     * epoll loop.
     */
    @Test
    void shouldCompleteEveryReadAndCloseTheChannelsWhenAnEpollGroupShutsDownRightAfterTwoThousandReads()
            throws Exception {
        Assumptions.assumeTrue(Epoll.isAvailable(), () -> "epoll unavailable: " + Epoll.unavailabilityCause());
        Path f = ReliabilitySupport.file(getClass().getSimpleName() + "-epoll-shutdown.dat");
        Files.write(f, ReliabilitySupport.random(64 * BLOCK, 3));
        int files = 4;
        int n = 2000;
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        EventExecutor loop = group.next();
        List<AioFileChannel> channels = new ArrayList<>();
        for (int i = 0; i < files; i++) {
            channels.add(AioFileChannel.open(f, loop, READ));
        }
        List<Future<Integer>> futures = new ArrayList<>();
        List<ByteBuf> bufs = new ArrayList<>();
        Calls calls = new Calls(n);
        for (int i = 0; i < n; i++) {
            ByteBuf dst = Unpooled.directBuffer(BLOCK);
            bufs.add(dst);
            Future<Integer> fut = channels.get(i % files).read(dst, (long) (i % 64) * BLOCK);
            @SuppressWarnings("unchecked")
            Future<Object> any = (Future<Object>) (Future<?>) fut;
            any.addListener(calls.listener(i));
            futures.add(fut);
        }
        assertTrue(group.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(30, TimeUnit.SECONDS));
        // The channels close with the epoll loop, nobody calls closeAsync(): during its shutdown, or just after its
        // termination (on the fallback engine, and where the loop's shutdown hooks ran too early for the driver)
        for (AioFileChannel ch : channels) {
            assertTrue(ch.closeFuture().await(10, TimeUnit.SECONDS), "a channel of the terminated epoll loop is still "
                    + "open 10 s later: " + ch);
            assertTrue(ch.closeFuture().isSuccess(), () -> "close failed: " + ch.closeFuture().cause());
            assertFalse(ch.isOpen());
        }
        int ok = 0;
        int closed = 0;
        for (int i = 0; i < n; i++) {
            Future<Integer> fut = futures.get(i);
            assertTrue(fut.await(30, TimeUnit.SECONDS), "request " + i + " never completed");
            if (fut.isSuccess()) {
                ok++;
                assertEquals(BLOCK, fut.getNow());
            } else {
                closed++;
                assertInstanceOf(ClosedChannelException.class, fut.cause(), "request " + i);
            }
        }
        // Listeners run just after their future completes (inline once the epoll loop has terminated)
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() - deadline < 0 && !allCalled(calls)) {
            Thread.onSpinWait();
        }
        calls.assertEachOnce("read listeners");
        for (ByteBuf b : bufs) {
            assertEquals(1, b.refCnt());
            b.release();
        }
        System.out.printf("%s: epoll group shut down right after %d reads on %d files: %d succeeded, %d failed with "
                + "ClosedChannelException, every listener called once, every channel closed%n",
                getClass().getSimpleName(), n, files, ok, closed);
    }

    private static boolean allCalled(Calls calls) {
        for (int i = 0; i < calls.calls.length(); i++) {
            if (calls.calls.get(i) == 0) {
                return false;
            }
        }
        return true;
    }
}
