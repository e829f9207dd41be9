package io.nettyaio.channel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.util.concurrent.EventExecutor;
import io.nettyaio.linux.NativeResources;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static java.nio.file.StandardOpenOption.READ;
import static org.junit.jupiter.api.Assertions.*;

/** The contract with completions on a Netty 4.2 epoll loop, and what is specific to it. */
class EpollLoopChannelTest extends AioFileChannelContractTest {
    private static MultiThreadIoEventLoopGroup group;

    @BeforeAll
    static void startGroup() {
        Epoll.ensureAvailability();
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    }

    @AfterAll
    static void stopGroup() throws InterruptedException {
        assertTrue(group.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(30, TimeUnit.SECONDS));
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
    void shouldCompleteOnTheEpollLoopThreadWithNoOtherThread() throws Exception {
        Files.write(file, random(64 * BLOCK, 30));
        EventExecutor loop = group.next();
        try (AioFileChannel ch = open(file, READ, AioOpenOption.DIRECT)) {
            assertSame(loop, ch.completionLoop(), "the epoll loop itself reaps the completions");
            assertReadsCompleteOnlyOn(loop, ch);
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getName().startsWith("aio-default")) {
                    // Another test class may have started the default group; it must not have served this one
                    assertNotSame(loop, t);
                }
            }
        }
    }

    @Test
    void shouldFinishOrFailRequestsAndCloseFilesWhenEpollLoopShutsDown() throws Exception {
        Files.write(file, random(64 * BLOCK, 31));
        long contexts = NativeResources.openContexts();
        MultiThreadIoEventLoopGroup own = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        AioFileChannel ch = AioFileChannel.open(file, own.next(), READ);
        assertEquals(contexts + 1, NativeResources.openContexts(), "one context attached to the epoll loop");
        int n = 300;
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
        assertFalse(ch.isOpen());
        assertEquals(contexts, NativeResources.openContexts(), "the context is destroyed with the loop");
    }
}
