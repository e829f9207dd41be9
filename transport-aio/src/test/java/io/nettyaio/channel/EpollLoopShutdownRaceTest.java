package io.nettyaio.channel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.util.concurrent.Future;
import io.nettyaio.linux.NativeResources;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.nettyaio.channel.ReliabilitySupport.BLOCK;
import static java.nio.file.StandardOpenOption.READ;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Shutting down a Netty epoll loop right after files were opened on it and requests made: whatever the interleaving
 * of the driver's registration with the loop's shutdown, every future completes, the file is closed and the AIO
 * context destroyed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EpollLoopShutdownRaceTest {

    @Test
    void shouldCompleteEveryRequestAndCloseEverythingWhenAnEpollLoopShutsDownRightAfterOpen() throws Exception {
        ReliabilitySupport.assumeLinuxAio();
        Assumptions.assumeTrue(Epoll.isAvailable(), () -> "epoll unavailable: " + Epoll.unavailabilityCause());
        Path f = ReliabilitySupport.file("epoll-shutdown-race.dat");
        Files.write(f, ReliabilitySupport.random(64 * BLOCK, 7));
        long contextsBefore = NativeResources.openContexts();
        long filesBefore = NativeResources.openFiles();
        int rounds = 30;
        int n = 300;
        int ok = 0;
        int closed = 0;
        for (int round = 0; round < rounds; round++) {
            MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
            AioFileChannel ch = AioFileChannel.open(f, group.next(), READ);
            List<Future<Integer>> futures = new ArrayList<>();
            List<ByteBuf> bufs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ByteBuf dst = Unpooled.directBuffer(BLOCK);
                bufs.add(dst);
                futures.add(ch.read(dst, (long) (i % 64) * BLOCK));
            }
            // At once: the loop may not even have run the driver's registration yet
            assertTrue(group.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(30, TimeUnit.SECONDS));
            for (int i = 0; i < n; i++) {
                Future<Integer> fut = futures.get(i);
                assertTrue(fut.await(10, TimeUnit.SECONDS), "round " + round + ": request " + i
                        + " never completed after the epoll loop terminated");
                if (fut.isSuccess()) {
                    ok++;
                    assertEquals(BLOCK, fut.getNow());
                } else {
                    closed++;
                    assertInstanceOf(ClosedChannelException.class, fut.cause());
                }
                assertEquals(1, bufs.get(i).refCnt());
                bufs.get(i).release();
            }
            assertTrue(ch.closeAsync().await(10, TimeUnit.SECONDS), "round " + round + ": close never completed");
            assertFalse(ch.isOpen(), "round " + round);
            assertEquals(filesBefore, NativeResources.openFiles(), "round " + round + ": file left open");
            assertEquals(contextsBefore, NativeResources.openContexts(), "round " + round + ": AIO context leaked");
        }
        System.out.printf("epoll loop shut down right after open, %d rounds of %d requests: %d succeeded, %d failed "
                + "with ClosedChannelException%n", rounds, n, ok, closed);
        LeakRecorder.assertNoLeaks();
    }
}
