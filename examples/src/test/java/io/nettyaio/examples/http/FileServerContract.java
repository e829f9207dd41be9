package io.nettyaio.examples.http;

import io.netty.buffer.UnpooledByteBufAllocator;
import io.nettyaio.examples.TestFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The file server end to end, run once per socket transport and file reader by the subclasses: a real server on a loopback port,
 * real files under {@code target/}, the JDK's {@link HttpClient}, a raw socket for what it will not send, and curl
 * where installed. After every test no file may be left open; after all of them, the connections' allocator must
 * hold no memory.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class FileServerContract {
    private static final long MIB = 1 << 20;
    private static final String SECRET = "top secret: this must never be served";
    private final UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(true);

    private Path root;
    private Path secret;
    private FileServer server;
    private HttpClient client;

    /** @return the transport to run the server on */
    abstract SocketTransport transport();

    /** @return how the server reads file bytes; {@link BodyReader#AIO} unless a subclass says otherwise */
    BodyReader reader() {
        return BodyReader.AIO;
    }

    @BeforeAll
    void startServer() throws Exception {
        assumeTrue(transport().isAvailable(), transport() + " is not available here");
        Path base = TestFiles.dir("file-server");
        root = Files.createDirectories(base.resolve("public")).toRealPath();
        TestFiles.random(root.resolve("empty.bin"), 0, 1);
        TestFiles.random(root.resolve("one.bin"), 1, 2);
        TestFiles.random(root.resolve("4k.bin"), 4096, 3);
        TestFiles.random(root.resolve("10m.bin"), 10 * MIB, 4);
        TestFiles.random(root.resolve("100m.bin"), 100 * MIB, 5);
        Files.writeString(Files.createDirectories(root.resolve("sub dir")).resolve("é & <x>.txt"), "hello\n");
        Path many = Files.createDirectories(root.resolve("many"));
        for (int i = 0; i < 200; i++) {
            TestFiles.random(many.resolve(String.format("f%03d.bin", i)), 1001L * i, 1000 + i);
        }
        secret = Files.writeString(base.resolve("secret.txt"), SECRET).toRealPath();
        if (!Files.isSymbolicLink(root.resolve("escape"))) {
            Files.createSymbolicLink(root.resolve("escape"), secret);
        }
        server = FileServer.builder(root).port(0).allocator(alloc).transport(transport()).reader(reader()).start();
        assertEquals(transport(), server.transport());
        assertEquals(reader(), server.reader());
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    @AfterEach
    void shouldHaveClosedEveryFile() throws Exception {
        assertTrue(server.activity().awaitNoOpenFiles(10, TimeUnit.SECONDS),
                () -> server.activity().openFiles() + " files still open");
        assertEquals(List.of(), descriptorsOpenUnder(root));
    }

    @AfterAll
    void stopServerAndCheckEveryBufferWasReleased() {
        if (server != null) {
            server.close();
        }
        assertEquals(0, alloc.metric().usedDirectMemory(), "direct memory still held: a ByteBuf leaked");
        assertEquals(0, alloc.metric().usedHeapMemory(), "heap memory still held: a ByteBuf leaked");
    }

    @ParameterizedTest
    @ValueSource(strings = {"empty.bin", "one.bin", "4k.bin", "10m.bin", "100m.bin"})
    void shouldServeWholeFilesByteForByte(String name) throws Exception {
        HttpResponse<InputStream> response = client.send(get("/" + name).build(), BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        assertEquals(Files.size(root.resolve(name)), response.headers().firstValueAsLong("content-length").orElse(-1));
        assertEquals("bytes", response.headers().firstValue("accept-ranges").orElse(null));
        assertTrue(response.headers().firstValue("last-modified").isPresent());
        assertTrue(response.headers().firstValue("date").isPresent());
        TestFiles.assertSameBytes(root.resolve(name), response.body());
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "4k.bin, bytes=0-0, 0, 0",
        "4k.bin, bytes=1000-2999, 1000, 2999",
        "4k.bin, bytes=4095-4095, 4095, 4095",
        "4k.bin, bytes=-100, 3996, 4095",
        "4k.bin, bytes=4000-, 4000, 4095",
        "4k.bin, bytes=4000-99999, 4000, 4095",
        "4k.bin, bytes=-10000, 0, 4095",
        "one.bin, bytes=0-0, 0, 0",
        "100m.bin, bytes=52428801-54525953, 52428801, 54525953",
        "100m.bin, bytes=-1, 104857599, 104857599",
    })
    void shouldServeSingleRanges(String name, String range, long first, long last) throws Exception {
        HttpResponse<byte[]> response = client.send(get("/" + name).header("Range", range).build(),
                BodyHandlers.ofByteArray());
        long size = Files.size(root.resolve(name));
        assertEquals(206, response.statusCode());
        assertEquals("bytes " + first + "-" + last + "/" + size,
                response.headers().firstValue("content-range").orElse(null));
        assertEquals(last - first + 1, response.headers().firstValueAsLong("content-length").orElse(-1));
        assertArrayEquals(slice(root.resolve(name), first, (int) (last - first + 1)), response.body());
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"4k.bin, bytes=4096-", "4k.bin, bytes=5000-6000", "4k.bin, bytes=-0", "empty.bin, bytes=0-",
        "empty.bin, bytes=-1"})
    void shouldAnswerUnsatisfiableRangesWith416(String name, String range) throws Exception {
        HttpResponse<String> response = client.send(get("/" + name).header("Range", range).build(),
                BodyHandlers.ofString());
        assertEquals(416, response.statusCode());
        assertEquals("bytes */" + Files.size(root.resolve(name)),
                response.headers().firstValue("content-range").orElse(null));
    }

    @Test
    void shouldAnswerMultipleRangesWithTheWholeFile() throws Exception {
        HttpResponse<byte[]> response = client.send(get("/4k.bin").header("Range", "bytes=0-1,10-20").build(),
                BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode());
        assertArrayEquals(Files.readAllBytes(root.resolve("4k.bin")), response.body());
    }

    @Test
    void shouldHonourRangeOnlyWhenIfRangeMatchesLastModified() throws Exception {
        String lastModified = lastModified("/4k.bin");
        HttpResponse<byte[]> matching = client.send(get("/4k.bin").header("Range", "bytes=0-9")
                .header("If-Range", lastModified).build(), BodyHandlers.ofByteArray());
        assertEquals(206, matching.statusCode());
        assertEquals(10, matching.body().length);
        HttpResponse<byte[]> stale = client.send(get("/4k.bin").header("Range", "bytes=0-9")
                .header("If-Range", "Mon, 01 Jan 2001 00:00:00 GMT").build(), BodyHandlers.ofByteArray());
        assertEquals(200, stale.statusCode());
        assertEquals(4096, stale.body().length);
    }

    @Test
    void shouldAnswerHeadWithTheHeadersOfGetAndNoBody() throws Exception {
        HttpResponse<byte[]> head = client.send(get("/10m.bin").method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(), BodyHandlers.ofByteArray());
        assertEquals(200, head.statusCode());
        assertEquals(10 * MIB, head.headers().firstValueAsLong("content-length").orElse(-1));
        assertEquals(0, head.body().length);
        // On a raw connection: had the server sent body bytes after the HEAD answer, the next response would not parse.
        try (RawHttp raw = new RawHttp(server.port())) {
            RawHttp.Response ranged = raw.send("HEAD /4k.bin", "Range: bytes=-10").read(true);
            assertEquals(206, ranged.status);
            assertEquals("bytes 4086-4095/4096", ranged.headers.get("content-range"));
            assertEquals("10", ranged.headers.get("content-length"));
            RawHttp.Response missing = raw.send("HEAD /missing").read(true);
            assertEquals(404, missing.status);
            RawHttp.Response next = raw.send("GET /one.bin").read(false);
            assertEquals(200, next.status);
            assertArrayEquals(Files.readAllBytes(root.resolve("one.bin")), next.body);
        }
    }

    @Test
    void shouldAnswer404ForMissingFiles() throws Exception {
        assertEquals(404, client.send(get("/missing.bin").build(), BodyHandlers.discarding()).statusCode());
        assertEquals(404, client.send(get("/many/missing/").build(), BodyHandlers.discarding()).statusCode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"POST", "PUT", "DELETE", "OPTIONS", "PATCH"})
    void shouldAnswer405ToOtherMethods(String method) throws Exception {
        HttpResponse<Void> response = client.send(get("/4k.bin")
                .method(method, HttpRequest.BodyPublishers.ofString("body")).build(), BodyHandlers.discarding());
        assertEquals(405, response.statusCode());
        assertEquals("GET, HEAD", response.headers().firstValue("allow").orElse(null));
    }

    @Test
    void shouldAnswer304WhenNotModifiedSince() throws Exception {
        String lastModified = lastModified("/4k.bin");
        HttpResponse<byte[]> same = client.send(get("/4k.bin").header("If-Modified-Since", lastModified).build(),
                BodyHandlers.ofByteArray());
        assertEquals(304, same.statusCode());
        assertEquals(0, same.body().length);
        assertEquals(lastModified, same.headers().firstValue("last-modified").orElse(null));

        String earlier = DateTimeFormatter.RFC_1123_DATE_TIME.format(
                ZonedDateTime.parse(lastModified, DateTimeFormatter.RFC_1123_DATE_TIME).minusHours(1));
        HttpResponse<byte[]> modified = client.send(get("/4k.bin").header("If-Modified-Since", earlier).build(),
                BodyHandlers.ofByteArray());
        assertEquals(200, modified.statusCode());
        assertEquals(4096, modified.body().length);
    }

    @Test
    void shouldListDirectoriesWithWorkingLinks() throws Exception {
        HttpResponse<String> top = client.send(get("/").build(), BodyHandlers.ofString());
        assertEquals(200, top.statusCode());
        assertTrue(top.headers().firstValue("content-type").orElse("").startsWith("text/html"));
        assertTrue(top.body().contains("href=\"/4k.bin\""), top.body());
        assertTrue(top.body().contains("href=\"/sub%20dir/\""), top.body());

        HttpResponse<String> sub = client.send(get("/sub%20dir").build(), BodyHandlers.ofString());
        assertEquals(200, sub.statusCode());
        String href = "/sub%20dir/%C3%A9%20&amp;%20%3Cx%3E.txt";
        assertTrue(sub.body().contains("href=\"" + href + "\">é &amp; &lt;x&gt;.txt</a>"), sub.body());
        assertTrue(sub.body().contains("href=\"/sub%20dir/../\""), sub.body());
        HttpResponse<String> linked = client.send(get(href.replace("&amp;", "&")).build(), BodyHandlers.ofString());
        assertEquals(200, linked.statusCode());
        assertEquals("hello\n", linked.body());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt", "/..%2fsecret.txt",
        "/%2e%2e%2fsecret.txt", "/sub%20dir/../../secret.txt", "/many/%2e%2e/%2e%2e/secret.txt", "../secret.txt",
        "http://localhost/../secret.txt", "/escape", "ABSOLUTE", "/ABSOLUTE", "/%2FABSOLUTE"})
    void shouldNeverServeAFileOutsideTheRoot(String target) throws Exception {
        String request = target.replace("ABSOLUTE", secret.toString());
        try (RawHttp raw = new RawHttp(server.port())) {
            RawHttp.Response response = raw.send("GET " + request).read(false);
            assertTrue(Set.of(400, 403, 404).contains(response.status), request + " answered " + response.status);
            assertFalse(response.text().contains(SECRET), request + " served the secret");
        }
    }

    @Test
    void shouldAnswerPipelinedRequestsInOrderOnOneConnection() throws Exception {
        try (RawHttp raw = new RawHttp(server.port())) {
            // The 10 MiB body is streamed while the next requests wait their turn.
            raw.send("GET /10m.bin").send("GET /4k.bin").send("HEAD /one.bin").send("GET /missing");
            RawHttp.Response big = raw.readHead();
            assertEquals(200, big.status);
            TestFiles.assertSameBytes(root.resolve("10m.bin"), raw.body(10 * MIB));
            RawHttp.Response small = raw.read(false);
            assertEquals(200, small.status);
            assertArrayEquals(Files.readAllBytes(root.resolve("4k.bin")), small.body);
            assertEquals("1", raw.read(true).headers.get("content-length"));
            assertEquals(404, raw.read(false).status);

            RawHttp.Response last = raw.send("GET /one.bin", "Connection: close").read(false);
            assertEquals(200, last.status);
            assertEquals("close", last.headers.get("connection"));
            assertTrue(raw.serverClosed(), "the server should close after a Connection: close request");
        }
    }

    @Test
    void shouldServe200ConcurrentClientsEachTheirOwnFile() throws Exception {
        List<CompletableFuture<Void>> checks = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String name = String.format("many/f%03d.bin", i);
            checks.add(client.sendAsync(get("/" + name).build(), BodyHandlers.ofByteArray()).thenAccept(response -> {
                assertEquals(200, response.statusCode(), name);
                try {
                    assertArrayEquals(Files.readAllBytes(root.resolve(name)), response.body(), name);
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            }));
        }
        CompletableFuture.allOf(checks.toArray(new CompletableFuture<?>[0])).get(45, TimeUnit.SECONDS);
    }

    @Test
    void shouldCloseTheFileWhenClientDisconnectsMidFileAndKeepServing() throws Exception {
        long abortedBefore = server.activity().responsesAborted();
        try (RawHttp raw = new RawHttp(server.port())) {
            assertEquals(200, raw.send("GET /100m.bin").readHead().status);
            assertEquals(100_000, raw.body(100_000).readAllBytes().length);
            assertEquals(1, server.activity().openFiles());
            raw.reset();
        }
        assertTrue(server.activity().awaitNoOpenFiles(10, TimeUnit.SECONDS), "file still open after the reset");
        assertEquals(abortedBefore + 1, server.activity().responsesAborted());
        assertEquals(List.of(), descriptorsOpenUnder(root));

        HttpResponse<InputStream> next = client.send(get("/10m.bin").build(), BodyHandlers.ofInputStream());
        assertEquals(200, next.statusCode());
        TestFiles.assertSameBytes(root.resolve("10m.bin"), next.body());
    }

    @Test
    void shouldNotReadAheadOfASlowClient() throws Exception {
        long readBefore = server.activity().fileBytesRead();
        try (RawHttp raw = new RawHttp(server.port(), 64 * 1024)) {
            assertEquals(200, raw.send("GET /100m.bin").readHead().status);
            // The client reads nothing now: once the socket buffers (a few MiB) are full, the server must stop
            // reading the file. Without back-pressure it would read all 100 MiB into memory within this wait.
            assertFalse(server.activity().awaitFileBytesRead(readBefore + 32 * MIB, 2, TimeUnit.SECONDS),
                    () -> "server read " + (server.activity().fileBytesRead() - readBefore) / MIB
                            + " MiB ahead of a client that reads nothing");
            assertTrue(alloc.metric().usedDirectMemory() <= MIB,
                    () -> "server holds " + alloc.metric().usedDirectMemory() + " bytes for a stalled client");
            TestFiles.assertSameBytes(root.resolve("100m.bin"), raw.body(100 * MIB));
        }
    }

    @Test
    void shouldCutTheResponseAndCloseTheFileWhenTheFileShrinksWhileBeingSent() throws Exception {
        Path file = TestFiles.random(root.resolve("shrinking.bin"), 20 * MIB, 20);
        long readBefore = server.activity().fileBytesRead();
        long abortedBefore = server.activity().responsesAborted();
        try (RawHttp raw = new RawHttp(server.port(), 64 * 1024)) {
            assertEquals(String.valueOf(20 * MIB), raw.send("GET /shrinking.bin").readHead().headers
                    .get("content-length"));
            // The client stalls the server a few MiB into the file; then the file loses its end.
            assertTrue(server.activity().awaitFileBytesRead(readBefore + MIB, 10, TimeUnit.SECONDS));
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.truncate(MIB);
            }
            // The server meets end of file early and closes the connection: the body ends short.
            long received = raw.body(20 * MIB).readAllBytes().length;
            assertTrue(received < 20 * MIB, "received " + received + " bytes of a file cut to 1 MiB");
        }
        assertTrue(server.activity().awaitNoOpenFiles(10, TimeUnit.SECONDS), "file still open after the error");
        assertEquals(abortedBefore + 1, server.activity().responsesAborted());
    }

    @Test
    void shouldServeCurl() throws Exception {
        assumeTrue(curlInstalled(), "curl is not installed: skipping the curl checks");
        Path out = TestFiles.dir("file-server-curl");
        String base = "http://127.0.0.1:" + server.port();

        assertEquals("200", curl("-o", out.resolve("10m.bin").toString(), "-w", "%{http_code}", base + "/10m.bin"));
        TestFiles.assertSameFile(root.resolve("10m.bin"), out.resolve("10m.bin"));

        assertEquals("206", curl("-r", "100-199", "-o", out.resolve("range.bin").toString(), "-w", "%{http_code}",
                base + "/4k.bin"));
        assertArrayEquals(slice(root.resolve("4k.bin"), 100, 100), Files.readAllBytes(out.resolve("range.bin")));

        assertTrue(curl("-I", base + "/4k.bin").toLowerCase().contains("content-length: 4096"));
        for (String target : List.of("/../secret.txt", "/%2e%2e/secret.txt", "/sub%20dir/../../secret.txt")) {
            String status = curl("--path-as-is", "-o", "/dev/null", "-w", "%{http_code}", base + target);
            assertTrue(Set.of("400", "403", "404").contains(status), target + " answered " + status);
        }
    }

    private HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(30));
    }

    private String lastModified(String path) throws Exception {
        return client.send(get(path).build(), BodyHandlers.discarding()).headers().firstValue("last-modified")
                .orElseThrow();
    }

    private static byte[] slice(Path file, long position, int length) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(length);
        try (FileChannel channel = FileChannel.open(file)) {
            while (bytes.hasRemaining() && channel.read(bytes, position + bytes.position()) > 0) {
                continue;
            }
        }
        return bytes.array();
    }

    /** The descriptors of this process open on files under {@code dir}, read from {@code /proc/self/fd}. */
    static List<String> descriptorsOpenUnder(Path dir) throws IOException {
        List<String> open = new ArrayList<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                try {
                    Path target = Files.readSymbolicLink(fd);
                    if (target.startsWith(dir)) {
                        open.add(fd.getFileName() + " -> " + target);
                    }
                } catch (IOException e) {
                    // closed while we looked: not open any more
                }
            }
        }
        return open;
    }

    private static boolean curlInstalled() {
        try {
            return new ProcessBuilder("curl", "--version").redirectErrorStream(true).start()
                    .waitFor(10, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static String curl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "30"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "curl did not finish");
        assertEquals(0, process.exitValue(), () -> "curl failed: " + new String(output, StandardCharsets.UTF_8));
        return new String(output, StandardCharsets.UTF_8).trim();
    }
}
