package io.nettyaio.examples;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.nettyaio.channel.AioBuffers;
import io.nettyaio.channel.AioEngines;
import io.nettyaio.channel.AioFileChannel;
import io.nettyaio.channel.AioIoUring;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static java.nio.file.StandardOpenOption.READ;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Netty 4.2 HTTP server on io_uring loops that reads each response body with {@link AioFileChannel}, the file
 * opened on the connection's own loop: every read is submitted, completed and its listener run on that loop (the
 * io_uring engine on the server's own ring), and the bytes served equal the file's.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IoUringHttpServerTest {
    private static final int FILES = 8;
    private static final int SIZE = 256 * 1024;

    @Test
    void shouldReadEveryBodyOnTheConnectionsOwnIoUringLoop() throws Exception {
        Assumptions.assumeTrue(IoUring.isAvailable(), () -> "no io_uring: " + IoUring.unavailabilityCause());
        Assumptions.assumeTrue(AioIoUring.isAvailable(), () -> "no io_uring engine: " + AioIoUring.unavailabilityCause());
        Assumptions.assumeTrue(!AioEngines.LINUX_AIO.equals(AioEngines.requested())
                && !AioEngines.BLOCKING.equals(AioEngines.requested()), "another engine is forced");
        Path dir = Files.createDirectories(Paths.get("target", "io-uring-http").toAbsolutePath());
        byte[][] contents = new byte[FILES][];
        for (int i = 0; i < FILES; i++) {
            contents[i] = new byte[SIZE + i * 4097];
            new Random(i).nextBytes(contents[i]);
            Files.write(dir.resolve("f" + i), contents[i]);
        }
        ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        AtomicInteger reads = new AtomicInteger();
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(2, IoUringIoHandler.newFactory());
        try {
            Channel server = new ServerBootstrap().group(group).channel(IoUringServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1024),
                                    new FileHandler(dir, wrong, reads));
                        }
                    }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            HttpClient client = HttpClient.newHttpClient();
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < FILES; i++) {
                    HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/f" + i)).build(),
                            HttpResponse.BodyHandlers.ofByteArray());
                    assertEquals(200, response.statusCode(), () -> new String(response.body()));
                    assertArrayEquals(contents[i], response.body(), "file f" + i);
                }
            }
            server.close().sync();
        } finally {
            assertTrue(group.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(30, TimeUnit.SECONDS));
        }
        assertTrue(wrong.isEmpty(), () -> String.join("\n", wrong));
        assertTrue(reads.get() >= 3 * FILES, "reads: " + reads.get());
    }

    /** Opens the file on the connection's loop, reads it whole in 64 KiB reads, answers with it. */
    private static final class FileHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final Path dir;
        private final ConcurrentLinkedQueue<String> wrong;
        private final AtomicInteger reads;

        FileHandler(Path dir, ConcurrentLinkedQueue<String> wrong, AtomicInteger reads) {
            this.dir = dir;
            this.wrong = wrong;
            this.reads = reads;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) throws Exception {
            AioFileChannel file = AioFileChannel.open(dir.resolve(request.uri().substring(1)), ctx.channel().eventLoop(),
                    READ);
            if (!"io_uring".equals(file.engine()) || file.completionLoop() != ctx.channel().eventLoop()) {
                wrong.add("engine " + file.engine() + " on " + file.completionLoop() + ", expected io_uring on "
                        + ctx.channel().eventLoop());
            }
            ByteBuf body = AioBuffers.directBuffer((int) file.size(), 1);
            readRest(ctx, file, body);
        }

        private void readRest(ChannelHandlerContext ctx, AioFileChannel file, ByteBuf body) {
            ByteBuf slice = body.slice(body.writerIndex(), Math.min(64 * 1024, body.writableBytes())).clear();
            file.read(slice, body.writerIndex()).addListener(f -> {
                reads.incrementAndGet();
                if (!ctx.channel().eventLoop().inEventLoop()) {
                    wrong.add("a listener ran on " + Thread.currentThread().getName());
                }
                if (!f.isSuccess()) {
                    wrong.add("read failed: " + f.cause());
                    body.release();
                    file.closeAsync();
                    ctx.close();
                    return;
                }
                body.writerIndex(body.writerIndex() + (Integer) f.getNow());
                if (body.isWritable()) {
                    readRest(ctx, file, body);
                    return;
                }
                file.closeAsync();
                FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                        body);
                response.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
            });
        }
    }
}
