package io.nettyaio.examples.recipes;

import io.netty.channel.EventLoop;
import io.netty.util.Version;
import io.nettyaio.examples.TestFiles;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Vert.x 5 (5.0.7): the context's Netty loop, and a file served from it with the buffer released after the write. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class VertxRecipesTest {
    private static Vertx vertx;
    private static Path dir;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true).setEventLoopPoolSize(1));
        dir = TestFiles.dir("recipes-vertx");
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Test
    void shouldRunOnTheNettyOfNettysBomNotTheOneVertxsBomManages() {
        // examples/pom.xml imports netty-bom before vertx-stack-depchain (which manages Netty 4.2.9.Final)
        Map<String, Version> netty = Version.identify();
        for (String artifact : new String[] {"netty-common", "netty-transport", "netty-handler-proxy"}) {
            assertEquals(Version.identify(Version.class.getClassLoader()).get("netty-common").artifactVersion(),
                    netty.get(artifact).artifactVersion(), artifact);
        }
        String expected = System.getProperty("netty.version"); // the parent pom's, passed by surefire
        assertEquals(true, expected != null && expected.startsWith("4.2."), "netty.version: " + expected);
        assertEquals(expected, netty.get("netty-handler-proxy").artifactVersion(),
                "brought by vertx-core, versioned by netty-bom");
    }

    @Test
    void shouldReachTheNettyLoopOfTheContext() throws Exception {
        CompletableFuture<Boolean> onIt = new CompletableFuture<>();
        vertx.getOrCreateContext().runOnContext(v -> {
            EventLoop loop = VertxRecipes.nettyEventLoop(Vertx.currentContext());
            onIt.complete(loop.inEventLoop());
        });
        assertTrue(onIt.get(30, TimeUnit.SECONDS), "the context runs on that loop's thread");
    }

    @Test
    void shouldServeAFileReleasingItsBufferAfterTheWrite() throws Exception {
        byte[] data = new byte[100_000];
        new Random(5).nextBytes(data);
        Files.write(dir.resolve("data.bin"), data);
        TrackingAllocator alloc = new TrackingAllocator();
        HttpServer server = vertx.createHttpServer().requestHandler(VertxRecipes.fileHandler(dir, alloc))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            URI base = URI.create("http://127.0.0.1:" + server.actualPort() + "/");
            HttpResponse<byte[]> ok = client.send(HttpRequest.newBuilder(base.resolve("data.bin"))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, ok.statusCode());
            assertArrayEquals(data, ok.body());
            HttpResponse<String> missing = client.send(HttpRequest.newBuilder(base.resolve("missing.bin"))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(404, missing.statusCode());
            assertEquals(1, alloc.allocated.get());
            alloc.awaitAllFreed(); // released by the recipe once Vert.x had written it, exactly once
        } finally {
            server.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }
}
