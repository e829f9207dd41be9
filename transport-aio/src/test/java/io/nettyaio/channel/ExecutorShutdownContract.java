package io.nettyaio.channel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What happens to channels and their listeners when the executor a channel was opened with shuts down, written once
 * and run on every engine: {@link ExecutorShutdownTest} with Linux AIO (where available), and
 * {@link FallbackEngineExecutorShutdownTest} on the fallback engine. Every request completes, successfully or with
 * {@link ClosedChannelException}; every listener runs exactly once, also when the executor it would run on has
 * terminated.
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
}
