package io.nettyaio.examples.recipes;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.nettyaio.channel.AioEventLoopGroup;
import io.nettyaio.channel.AioFileChannel;
import io.nettyaio.examples.TestFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.netty.DisposableServer;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static java.nio.file.StandardOpenOption.READ;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Mono and Flux over AioFileChannel, back-pressure and release on cancel, and files served by Reactor Netty. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReactorRecipesTest {
    private static final int CHUNK = 4096;
    private static AioEventLoopGroup group;
    private static Path dir;
    private static Path file;
    private static byte[] data;

    @BeforeAll
    static void start() throws Exception {
        group = new AioEventLoopGroup(1, 16);
        dir = TestFiles.dir("recipes-reactor");
        data = new byte[10 * CHUNK + 123];
        new Random(7).nextBytes(data);
        file = Files.write(dir.resolve("data.bin"), data);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        assertTrue(group.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(30, TimeUnit.SECONDS));
    }

    @Test
    void shouldMakeAMonoOfAFuture() throws Exception {
        try (AioFileChannel ch = AioFileChannel.open(file, group.next(), READ)) {
            ByteBuf buf = Unpooled.buffer(16);
            assertEquals(16, ReactorRecipes.mono(ch.read(buf, 0)).block(Duration.ofSeconds(30)));
            assertNull(ReactorRecipes.mono(ch.fdatasync()).block(Duration.ofSeconds(30)), "a Future<Void>: empty");
            buf.release();
        }
    }

    @Test
    void shouldStreamTheWholeFileInChunks() throws Exception {
        TrackingAllocator alloc = new TrackingAllocator();
        try (AioFileChannel ch = AioFileChannel.open(file, group.next(), READ)) {
            List<ByteBuf> chunks = ReactorRecipes.read(ch, 0, data.length, CHUNK, alloc).collectList()
                    .block(Duration.ofSeconds(30));
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (ByteBuf c : chunks) {
                c.readBytes(all, c.readableBytes());
                c.release();
            }
            assertEquals(11, chunks.size());
            assertArrayEquals(data, all.toByteArray());
        }
        alloc.awaitAllFreed();
    }

    @Test
    void shouldReadOnlyWhatIsRequestedAndReleaseOnCancel() throws Exception {
        TrackingAllocator alloc = new TrackingAllocator();
        BlockingQueue<ByteBuf> received = new ArrayBlockingQueue<>(16);
        CountDownLatch cancelled = new CountDownLatch(1);
        AioFileChannel ch = AioFileChannel.open(file, group.next(), READ);
        BaseSubscriber<ByteBuf> subscriber = new BaseSubscriber<ByteBuf>() {
            @Override
            protected void hookOnSubscribe(Subscription s) {
                request(2);
            }

            @Override
            protected void hookOnNext(ByteBuf chunk) {
                received.add(chunk);
            }

            @Override
            protected void hookOnCancel() {
                cancelled.countDown();
            }
        };
        ReactorRecipes.read(ch, 0, data.length, CHUNK, alloc).subscribe(subscriber);
        ByteBuf first = received.poll(30, TimeUnit.SECONDS);
        ByteBuf second = received.poll(30, TimeUnit.SECONDS);
        assertTrue(alloc.allocated.get() <= 3, "two asked for, at most one read ahead: " + alloc.allocated.get());
        subscriber.request(1);
        subscriber.cancel(); // the third read may be in flight: its buffer is released when it completes
        assertTrue(cancelled.await(30, TimeUnit.SECONDS));
        ch.closeAsync().sync(); // waits for what was submitted
        first.release();
        second.release();
        ByteBuf delivered;
        while ((delivered = received.poll()) != null) {
            delivered.release(); // what reached the subscriber before the cancel is the subscriber's to release
        }
        assertTrue(alloc.allocated.get() <= 4, "no read after the cancel: " + alloc.allocated.get());
        alloc.awaitAllFreed();
    }

    @Test
    void shouldServeAFileAndAnswer404ForAMissingOne() throws Exception {
        DisposableServer server = ReactorRecipes.serve(dir);
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            URI base = URI.create("http://127.0.0.1:" + server.port() + "/files/");
            HttpResponse<byte[]> ok = client.send(HttpRequest.newBuilder(base.resolve("data.bin"))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, ok.statusCode());
            assertEquals(String.valueOf(data.length), ok.headers().firstValue("content-length").orElse(null));
            assertArrayEquals(data, ok.body());
            // opened before send: a clean 404 with its status, not a 200 followed by a reset
            HttpResponse<String> missing = client.send(HttpRequest.newBuilder(base.resolve("missing.bin"))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(404, missing.statusCode());
            assertEquals("", missing.body());
            HttpResponse<byte[]> again = client.send(HttpRequest.newBuilder(base.resolve("data.bin"))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, again.statusCode(), "the server still serves");
            assertEquals(new String(data, StandardCharsets.ISO_8859_1),
                    new String(again.body(), StandardCharsets.ISO_8859_1));
        } finally {
            server.disposeNow(Duration.ofSeconds(10));
        }
    }
}
