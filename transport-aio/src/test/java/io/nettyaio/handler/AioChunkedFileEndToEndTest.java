package io.nettyaio.handler;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataChunkedInput;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import io.nettyaio.channel.Aio;
import io.nettyaio.channel.AioFileChannel;
import io.nettyaio.channel.LeakRecorder;
import io.nettyaio.channel.fault.FaultFs;
import io.nettyaio.linux.NativeIoException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link AioChunkedFile} in a real TLS server on an epoll loop, with the file opened on the connection's loop:
 * HTTP/1.1 ({@code HttpChunkedInput}) and HTTP/2 ({@code Http2DataChunkedInput}, ALPN), fetched by the JDK's
 * {@link HttpClient}. Each response records its transfer; after each test every transfer has ended as expected, every
 * file is closed, and no read completed off the connection's loop; after all, the connections' allocator holds
 * nothing.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AioChunkedFileEndToEndTest {
    private static final Path DIR = Paths.get("target", "chunked-file-e2e").toAbsolutePath();
    private static final int CHUNK = 16 * 1024;
    private final UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(true);
    private final List<Transfer> transfers = new CopyOnWriteArrayList<>();
    private EventLoopGroup group;
    private Channel server;
    private HttpClient h1;
    private HttpClient h2;
    private volatile Path faultFile;

    /** One response body being streamed: its input and how its write ended. */
    private static final class Transfer {
        final AioChunkedFile input;
        final Channel channel;
        final CompletableFuture<Throwable> outcome = new CompletableFuture<>();

        Transfer(AioChunkedFile input, Channel channel) {
            this.input = input;
            this.channel = channel;
        }
    }

    @BeforeAll
    void startServer() throws Exception {
        Assumptions.assumeTrue(Epoll.isAvailable(), "epoll is not available");
        Files.createDirectories(DIR);
        random("empty", 0);
        random("one", 1);
        random("100k", 100_000);
        random("3m", 3 * 1024 * 1024 + 5);
        try (RandomAccessFile big = new RandomAccessFile(DIR.resolve("sparse").toFile(), "rw")) {
            big.setLength(1L << 30); // a hole: read at memory speed, far more than a client buffers
        }
        X509Bundle cert = new CertificateBuilder().subject("CN=localhost").addSanIpAddress("127.0.0.1")
                .setIsCertificateAuthority(true).buildSelfSigned();
        SslContext ssl = SslContextBuilder.forServer(cert.toKeyManagerFactory())
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1))
                .build();
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        server = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                .childOption(ChannelOption.ALLOCATOR, alloc)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(ssl.newHandler(ch.alloc()), new Negotiation());
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
        SSLContext trusting = SSLContext.getInstance("TLS");
        trusting.init(null, cert.toTrustManagerFactory().getTrustManagers(), null);
        h1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(trusting)
                .connectTimeout(Duration.ofSeconds(10)).build();
        h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(trusting)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    @AfterEach
    void shouldHaveEndedEveryTransferOnItsLoopAndClosedItsFile() throws Exception {
        try {
            for (Transfer t : transfers) {
                t.outcome.get(10, TimeUnit.SECONDS);
                assertTrue(t.input.closeFuture().await(10, TimeUnit.SECONDS), () -> t.input + " not closed");
                assertFalse(t.input.file().isOpen());
                if (Aio.isAvailable()) { // the fallback engine has no epoll driver: its own loop completes
                    assertEquals(t.channel.eventLoop(), t.input.file().completionLoop());
                    assertEquals(0, t.input.completionsOffLoop(), () -> t.input + ": reads completed off its loop");
                }
            }
        } finally {
            transfers.clear();
        }
    }

    @AfterAll
    void stopServerAndCheckEveryBufferWasReleased() throws Exception {
        if (server != null) {
            server.close().sync();
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
            assertEquals(0, alloc.metric().usedDirectMemory(), "direct memory still held: a ByteBuf leaked");
            assertEquals(0, alloc.metric().usedHeapMemory(), "heap memory still held: a ByteBuf leaked");
        }
        LeakRecorder.assertNoLeaks();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"h1, empty", "h1, one", "h1, 100k", "h1, 3m", "h2, empty", "h2, one", "h2, 100k", "h2, 3m"})
    void shouldServeWholeFilesByteForByte(String protocol, String name) throws Exception {
        HttpResponse<byte[]> response = get(protocol, "/" + name);
        assertEquals(200, response.statusCode());
        assertEquals(version(protocol), response.version());
        assertArrayEquals(Files.readAllBytes(DIR.resolve(name)), response.body());
        assertSucceeded();
    }

    @ParameterizedTest(name = "{0} {1}+{2}")
    @CsvSource({"h1, 0, 0", "h1, 1, 1", "h1, 16383, 16386", "h1, 1000000, 2000001", "h1, 3145732, 1",
        "h2, 0, 0", "h2, 1, 1", "h2, 16383, 16386", "h2, 1000000, 2000001", "h2, 3145732, 1"})
    void shouldServeOffsetsAndLengthsExactly(String protocol, int offset, int length) throws Exception {
        HttpResponse<byte[]> response = get(protocol, "/3m?offset=" + offset + "&length=" + length);
        assertEquals(200, response.statusCode());
        byte[] all = Files.readAllBytes(DIR.resolve("3m"));
        assertArrayEquals(Arrays.copyOfRange(all, offset, offset + length), response.body());
        assertSucceeded();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h1", "h2"})
    void shouldServeConcurrentDownloads(String protocol) throws Exception {
        byte[] all = Files.readAllBytes(DIR.resolve("3m"));
        List<CompletableFuture<HttpResponse<byte[]>>> downloads = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            int offset = i * 300_000;
            downloads.add(client(protocol).sendAsync(request("/3m?offset=" + offset + "&length=" + (all.length
                    - offset)), HttpResponse.BodyHandlers.ofByteArray()));
        }
        for (int i = 0; i < downloads.size(); i++) {
            HttpResponse<byte[]> response = downloads.get(i).get(30, TimeUnit.SECONDS);
            assertArrayEquals(Arrays.copyOfRange(all, i * 300_000, all.length), response.body(), "download " + i);
        }
        assertEquals(8, transfers.size());
        assertSucceeded();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h1", "h2"})
    void shouldFailTheTransferAndCloseTheFileOnAReadError(String protocol) throws Exception {
        String reason = FaultFs.unavailableReason();
        Assumptions.assumeTrue(reason == null, reason);
        byte[] data = new byte[1 << 20];
        new Random(3).nextBytes(data);
        try (FaultFs fs = new FaultFs(data.length)) {
            try (FileChannel ch = FileChannel.open(fs.dataFile(), StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(data), 0);
            }
            fs.inject(FaultFs.Op.READ, 512 * 1024, 4096, FaultFs.EIO, 0);
            faultFile = fs.dataFile();
            ExecutionException e = assertThrows(ExecutionException.class, () -> client(protocol).sendAsync(
                    request("/fault"), HttpResponse.BodyHandlers.ofByteArray()).get(30, TimeUnit.SECONDS));
            assertInstanceOf(IOException.class, e.getCause(), "the client sees the body cut short");
            assertEquals(1, transfers.size());
            Throwable cause = transfers.get(0).outcome.get(10, TimeUnit.SECONDS);
            if (Aio.isAvailable()) {
                NativeIoException eio = assertInstanceOf(NativeIoException.class, cause);
                assertEquals("EIO", eio.errnoName());
            } else {
                assertInstanceOf(IOException.class, cause); // the fallback engine: the JDK's exception
            }
            assertTrue(transfers.get(0).input.closeFuture().await(10, TimeUnit.SECONDS));
        } finally {
            faultFile = null;
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h1", "h2"})
    void shouldCloseTheFileAndReleaseEveryBufferWhenTheClientGoesAwayMidFile(String protocol) throws Exception {
        HttpResponse<InputStream> response = client(protocol).send(request("/sparse"),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            byte[] some = body.readNBytes(100_000);
            assertEquals(100_000, some.length);
        } // closing early: HTTP/1.1 drops the connection, HTTP/2 resets the stream
        assertEquals(1, transfers.size());
        Throwable cause = transfers.get(0).outcome.get(10, TimeUnit.SECONDS);
        assertNotNull(cause, "a 1 GiB body cannot have been sent whole");
        assertTrue(transfers.get(0).input.progress() < 1L << 30);
    }

    private void assertSucceeded() throws Exception {
        for (Transfer t : transfers) {
            Throwable cause = t.outcome.get(10, TimeUnit.SECONDS);
            if (cause != null) {
                throw new AssertionError(t.input + " failed", cause);
            }
            assertEquals(t.input.length(), t.input.progress());
        }
    }

    private HttpResponse<byte[]> get(String protocol, String path) throws Exception {
        return client(protocol).send(request(path), HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpClient client(String protocol) {
        return protocol.equals("h2") ? h2 : h1;
    }

    private static HttpClient.Version version(String protocol) {
        return protocol.equals("h2") ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1;
    }

    private HttpRequest request(String path) {
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        return HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).build();
    }

    private static void random(String name, int size) throws IOException {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        Files.write(DIR.resolve(name), data);
    }

    /** Opens the file a request names on the connection's loop and wraps it in an input of {@code CHUNK}s. */
    private Transfer open(Channel channel, String uri) throws IOException {
        QueryStringDecoder query = new QueryStringDecoder(uri);
        String name = query.path().substring(1);
        Path path = name.equals("fault") ? faultFile : DIR.resolve(name);
        AioFileChannel file = AioFileChannel.open(path, channel.eventLoop());
        long offset = query.parameters().containsKey("offset")
                ? Long.parseLong(query.parameters().get("offset").get(0)) : 0;
        long length = query.parameters().containsKey("length")
                ? Long.parseLong(query.parameters().get("length").get(0)) : file.size() - offset;
        Transfer transfer = new Transfer(AioChunkedFile.builder(channel, file).range(offset, length)
                .chunkSize(CHUNK).readahead(3).build(), channel);
        transfers.add(transfer);
        return transfer;
    }

    private static void record(Transfer transfer, ChannelFuture written) {
        written.addListener(f -> {
            transfer.outcome.complete(f.cause());
            if (!f.isSuccess()) {
                transfer.channel.close(); // the body is cut short: only closing (or a reset) tells the client
            }
        });
    }

    private final class Negotiation extends ApplicationProtocolNegotiationHandler {
        Negotiation() {
            super(ApplicationProtocolNames.HTTP_1_1);
        }

        @Override
        protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
            if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                ctx.pipeline().addLast(Http2FrameCodecBuilder.forServer().build(),
                        new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                            @Override
                            protected void initChannel(Http2StreamChannel ch) {
                                ch.pipeline().addLast(new ChunkedWriteHandler(), new H2FileHandler());
                            }
                        }));
            } else {
                ctx.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(8192),
                        new ChunkedWriteHandler(), new H1FileHandler());
            }
        }
    }

    /** HTTP/1.1: the response head, then the file in an {@link HttpChunkedInput}. */
    private final class H1FileHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) throws Exception {
            Transfer transfer = open(ctx.channel(), request.uri());
            io.netty.handler.codec.http.HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.OK);
            response.headers().set(HttpHeaderNames.CONTENT_LENGTH, transfer.input.length());
            ctx.write(response);
            record(transfer, ctx.writeAndFlush(new HttpChunkedInput(transfer.input)));
        }
    }

    /** HTTP/2: a HEADERS frame, then the file in an {@link Http2DataChunkedInput}. */
    private final class H2FileHandler extends SimpleChannelInboundHandler<Http2HeadersFrame> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Http2HeadersFrame request) throws Exception {
            Transfer transfer = open(ctx.channel(), request.headers().path().toString());
            Http2Headers headers = new DefaultHttp2Headers().status(HttpResponseStatus.OK.codeAsText())
                    .setLong(HttpHeaderNames.CONTENT_LENGTH, transfer.input.length());
            ctx.write(new DefaultHttp2HeadersFrame(headers));
            record(transfer, ctx.writeAndFlush(new Http2DataChunkedInput(transfer.input, request.stream())));
        }
    }
}
