package io.nettyaio.channel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.util.concurrent.EventExecutor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.*;

/** The contract with completions on a Netty 4.2 io_uring loop (the io_uring engine), and what is specific to it. */
class IoUringLoopChannelTest extends AioFileChannelContractTest {
    private static MultiThreadIoEventLoopGroup group;

    @BeforeAll
    static void startGroup() {
        Assumptions.assumeTrue(AioIoUring.isAvailable(), () -> "io_uring is unavailable: "
                + AioIoUring.unavailabilityCause());
        Assumptions.assumeTrue(AioEngines.allowsOnNettyLoop(AioEngines.IO_URING), "another engine is forced");
        group = new MultiThreadIoEventLoopGroup(1, IoUringIoHandler.newFactory());
    }

    @AfterAll
    static void stopGroup() throws InterruptedException {
        if (group != null) {
            assertTrue(group.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(30, TimeUnit.SECONDS));
        }
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
    void shouldRunTheIoUringEngineOnTheServersOwnLoopThread() throws Exception {
        Files.write(file, random(64 * BLOCK, 40));
        EventExecutor loop = group.next();
        try (AioFileChannel ch = open(file, READ, AioOpenOption.DIRECT)) {
            assertSame(loop, ch.completionLoop(), "the io_uring loop itself reaps the completions");
            assertEquals("io_uring", ch.engine());
            assertReadsCompleteOnlyOn(loop, ch);
        }
    }

    @Test
    void shouldTruncateThroughTheRingAndAllocate() throws Exception {
        try (AioFileChannel ch = open(file, READ, WRITE, CREATE)) {
            await(ch.allocate(0, 1 << 20));
            assertEquals(1 << 20, ch.size());
            await(ch.truncate(4096));
            assertEquals(4096, ch.size());
        }
    }

    @Test
    void shouldFinishOrFailRequestsAndCloseFilesWhenTheIoUringLoopShutsDown() throws Exception {
        Files.write(file, random(64 * BLOCK, 41));
        MultiThreadIoEventLoopGroup own = new MultiThreadIoEventLoopGroup(1, IoUringIoHandler.newFactory());
        AioFileChannel ch = AioFileChannel.open(file, own.next(), READ);
        int n = 300;
        CountDownLatch all = new CountDownLatch(n);
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger closed = new AtomicInteger();
        AtomicReference<Throwable> other = new AtomicReference<>();
        for (int i = 0; i < n; i++) {
            ByteBuf dst = Unpooled.directBuffer(BLOCK);
            ch.read(dst, (long) (i % 64) * BLOCK).addListener(f -> {
                if (f.isSuccess()) {
                    ok.incrementAndGet();
                } else if (f.cause() instanceof ClosedChannelException) {
                    closed.incrementAndGet();
                } else {
                    other.compareAndSet(null, f.cause());
                }
                dst.release();
                all.countDown();
            });
        }
        assertTrue(own.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(30, TimeUnit.SECONDS));
        assertTrue(all.await(30, TimeUnit.SECONDS), "every request completes or fails");
        assertNull(other.get(), () -> "every request succeeds or fails as closed; one failed with " + other.get());
        assertEquals(n, ok.get() + closed.get());
        assertFalse(ch.isOpen());
    }
}
