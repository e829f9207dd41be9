package io.nettyaio.examples.recipes;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.BlockingOperationException;
import io.nettyaio.channel.AioEventLoop;
import io.nettyaio.channel.AioEventLoopGroup;
import io.nettyaio.channel.AioFileChannel;
import io.nettyaio.examples.TestFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CompletionStage bridge and the blocking caller, with their threading rules. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FutureRecipesTest {
    private static AioEventLoopGroup group;
    private static Path dir;

    @BeforeAll
    static void start() throws Exception {
        group = new AioEventLoopGroup(1, 16);
        dir = TestFiles.dir("recipes-future");
    }

    @AfterAll
    static void stop() throws InterruptedException {
        assertTrue(group.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(30, TimeUnit.SECONDS));
    }

    @Test
    void shouldCopyDurablyAsChainedStagesAndReleaseTheBuffer() throws Exception {
        byte[] data = "chained stages".getBytes(StandardCharsets.US_ASCII);
        Path src = Files.write(dir.resolve("src.txt"), data);
        Path dst = dir.resolve("dst.txt");
        Files.deleteIfExists(dst);
        AioEventLoop loop = group.next();
        TrackingAllocator alloc = new TrackingAllocator();
        try (AioFileChannel in = AioFileChannel.open(src, loop, READ);
             AioFileChannel out = AioFileChannel.open(dst, loop, WRITE, CREATE)) {
            AtomicReference<Thread> ranOn = new AtomicReference<>();
            // The loop waits until the last stage is attached: attached to a completed stage, it would run here
            CountDownLatch attached = new CountDownLatch(1);
            loop.execute(() -> awaitQuietly(attached));
            CompletableFuture<Integer> copied = FutureRecipes.copyDurably(in, out, alloc.directBuffer(data.length), 0)
                    .whenComplete((v, e) -> ranOn.set(Thread.currentThread()))
                    .toCompletableFuture();
            attached.countDown();
            int n = copied.get(30, TimeUnit.SECONDS);
            assertEquals(data.length, n);
            assertTrue(loop.inEventLoop(ranOn.get()), "the stages ran on the completion loop: " + ranOn.get());
        }
        assertArrayEquals(data, Files.readAllBytes(dst));
        alloc.awaitAllFreed();
    }

    @Test
    void shouldLeaveTheLoopWithTheAsyncVariant() throws Exception {
        Path src = Files.write(dir.resolve("async.txt"), new byte[100]);
        ExecutorService pool = Executors.newSingleThreadExecutor(r -> new Thread(r, "recipe-pool"));
        try (AioFileChannel in = AioFileChannel.open(src, group.next(), READ);
             AioFileChannel out = AioFileChannel.open(dir.resolve("async-copy.txt"), group.next(), WRITE, CREATE)) {
            // Where the recipe's last stage ran; a stage added to it after it completed would run on this thread
            AtomicReference<String> thread = new AtomicReference<>();
            Executor recording = task -> pool.execute(() -> {
                thread.set(Thread.currentThread().getName());
                task.run();
            });
            int n = FutureRecipes.copyDurablyThenLeaveTheLoop(in, out, Unpooled.directBuffer(100), 0, recording)
                    .toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertEquals(100, n);
            assertEquals("recipe-pool", thread.get());
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void shouldCarryTheFailureIntoTheStage() throws Exception {
        Path file = Files.write(dir.resolve("closed.txt"), new byte[10]);
        AioFileChannel ch = AioFileChannel.open(file, group.next(), READ);
        ch.close();
        ByteBuf buf = Unpooled.buffer(10);
        CompletableFuture<Integer> stage = FutureRecipes.stage(ch.read(buf, 0));
        ExecutionException e = assertThrows(ExecutionException.class, () -> stage.get(30, TimeUnit.SECONDS));
        assertInstanceOf(ClosedChannelException.class, e.getCause());
        buf.release();
    }

    @Test
    void shouldReadBlockingFromAnyThreadButTheCompletionLoop() throws Exception {
        Path file = Files.write(dir.resolve("blocking.txt"), "blocking".getBytes(StandardCharsets.US_ASCII));
        AioEventLoop loop = group.next();
        try (AioFileChannel ch = AioFileChannel.open(file, loop, READ)) {
            ByteBuf buf = Unpooled.buffer(16);
            assertEquals(8, FutureRecipes.readBlocking(ch, buf, 0));
            assertEquals("blocking", buf.toString(StandardCharsets.US_ASCII));
            // on the loop, get() would wait for the loop itself: Netty refuses
            ExecutionException onLoop = assertThrows(ExecutionException.class, () -> loop.submit(
                    () -> FutureRecipes.readBlocking(ch, buf.clear(), 0)).get(30, TimeUnit.SECONDS));
            assertSame(BlockingOperationException.class, onLoop.getCause().getClass(), onLoop.toString());
            buf.release();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            assertTrue(latch.await(30, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
