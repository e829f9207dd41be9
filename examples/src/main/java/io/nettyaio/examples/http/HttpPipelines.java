package io.nettyaio.examples.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http2.CleartextHttp2ServerUpgradeHandler;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ServerUpgradeCodec;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The pipelines of a {@link FileServer} connection. Every request, HTTP/1.1 or HTTP/2, ends in the same handlers:
 * an {@link HttpObjectAggregator}, a {@link ChunkedWriteHandler} that streams the file bodies, and a
 * {@link StaticFileHandler}. HTTP/2 streams get them behind an {@link Http2StreamFrameToHttpObjectCodec}, in the
 * stream's own child channel.
 * <ul>
 * <li>plain HTTP/1.1: codec, keep-alive, aggregator, chunked writer, handler</li>
 * <li>TLS: an {@code SslHandler} first; with HTTP/2, ALPN picks {@code h2} or {@code http/1.1}</li>
 * <li>HTTP/2 without TLS (h2c): prior knowledge (as h2load speaks it) or an {@code Upgrade: h2c} request</li>
 * </ul>
 */
final class HttpPipelines extends ChannelInitializer<Channel> {
    private static final int MAX_REQUEST_BODY = 64 * 1024;
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(HttpPipelines.class);
    /** The end of a connection's pipeline whose requests are handled in child channels (HTTP/2) or not yet. */
    private static final ChannelHandler CLOSE_ON_ERROR = new CloseOnError();

    private final SslContext ssl;
    private final boolean http2;
    private final Supplier<StaticFileHandler> handlers;
    private final Consumer<Channel> onConnection;

    /**
     * @param ssl the TLS context, or {@code null} for plain connections
     * @param http2 whether to offer HTTP/2 (h2 by ALPN over TLS, h2c otherwise)
     * @param handlers makes the handler of each connection or stream
     * @param onConnection told of every accepted connection
     */
    HttpPipelines(SslContext ssl, boolean http2, Supplier<StaticFileHandler> handlers,
                  Consumer<Channel> onConnection) {
        this.ssl = ssl;
        this.http2 = http2;
        this.handlers = handlers;
        this.onConnection = onConnection;
    }

    @Override
    protected void initChannel(Channel ch) {
        onConnection.accept(ch);
        ChannelPipeline p = ch.pipeline();
        if (ssl != null) {
            p.addLast(ssl.newHandler(ch.alloc()));
            if (http2) {
                p.addLast(new ApplicationProtocolNegotiationHandler(ApplicationProtocolNames.HTTP_1_1) {
                    @Override
                    protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
                        if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                            addHttp2(ctx.pipeline());
                        } else {
                            addHttp1(ctx.pipeline());
                        }
                    }
                });
                return;
            }
        } else if (http2) {
            addCleartextHttp2(p);
            return;
        }
        addHttp1(p);
    }

    private void addHttp1(ChannelPipeline p) {
        p.addLast(new HttpServerCodec(), new HttpServerKeepAliveHandler(), new HttpObjectAggregator(MAX_REQUEST_BODY),
                new ChunkedWriteHandler(), handlers.get());
    }

    private void addHttp2(ChannelPipeline p) {
        p.addLast(Http2FrameCodecBuilder.forServer().build(), new Http2MultiplexHandler(streams()), CLOSE_ON_ERROR);
    }

    private ChannelInitializer<Http2StreamChannel> streams() {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Http2StreamChannel stream) {
                stream.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(true),
                        new HttpObjectAggregator(MAX_REQUEST_BODY), new ChunkedWriteHandler(), handlers.get());
            }
        };
    }

    /** Closes the connection on an error nothing before it handled (a reset peer, most often). */
    @ChannelHandler.Sharable
    private static final class CloseOnError extends ChannelInboundHandlerAdapter {
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            logger.debug("{}: closing after an error", ctx.channel(), cause);
            ctx.close();
        }
    }

    private void addCleartextHttp2(ChannelPipeline p) {
        HttpServerCodec codec = new HttpServerCodec();
        HttpServerUpgradeHandler upgrade = new HttpServerUpgradeHandler(codec, protocol ->
                AsciiString.contentEquals(Http2CodecUtil.HTTP_UPGRADE_PROTOCOL_NAME, protocol)
                        ? new Http2ServerUpgradeCodec(Http2FrameCodecBuilder.forServer().build(),
                        new Http2MultiplexHandler(streams()))
                        : null);
        p.addLast(new CleartextHttp2ServerUpgradeHandler(codec, upgrade, new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                addHttp2(ch.pipeline()); // prior knowledge: the client started with the HTTP/2 preface
            }
        }));
        // A first request without an upgrade: plain HTTP/1.1 from here on.
        p.addLast(new SimpleChannelInboundHandler<HttpMessage>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, HttpMessage msg) {
                // The same handlers as addHttp1 (the codec is in place), put where this one is, so that the
                // message fired from this context reaches them.
                ChannelPipeline pipeline = ctx.pipeline();
                pipeline.addAfter(ctx.name(), null, handlers.get());
                pipeline.addAfter(ctx.name(), null, new ChunkedWriteHandler());
                pipeline.addAfter(ctx.name(), null, new HttpObjectAggregator(MAX_REQUEST_BODY));
                pipeline.replace(this, null, new HttpServerKeepAliveHandler());
                pipeline.remove(HttpServerUpgradeHandler.class);
                ctx.fireChannelRead(ReferenceCountUtil.retain(msg));
            }
        });
        p.addLast(CLOSE_ON_ERROR);
    }
}
