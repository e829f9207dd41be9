package io.nettyaio.examples.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;
import java.util.Date;

/** Builds and sends the server's responses that fit in memory: errors, listings, 304s, HEAD answers. */
final class Responses {
    private Responses() { }

    /**
     * @param status the status
     * @return a plain-text response whose body is the status line, e.g. {@code 404 Not Found}
     */
    static FullHttpResponse status(HttpResponseStatus status) {
        return body(status, "text/plain; charset=utf-8", status + "\n");
    }

    /**
     * @param status the status
     * @param contentType the {@code Content-Type}
     * @param body the body, sent as UTF-8
     * @return the response, with {@code Content-Length} set
     */
    static FullHttpResponse body(HttpResponseStatus status, String contentType, String body) {
        ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
        return response;
    }

    /**
     * @param status the status
     * @return a response without a body, for its headers to be filled in
     */
    static FullHttpResponse empty(HttpResponseStatus status) {
        return new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER);
    }

    /** Adds the {@code Date} header every origin server with a clock must send (RFC 9110, section 6.6.1). */
    static HttpResponse dated(HttpResponse response) {
        response.headers().set(HttpHeaderNames.DATE, DateFormatter.format(new Date()));
        return response;
    }

    /**
     * Sends a complete response. To a {@code HEAD} request the body is dropped and the headers, including
     * {@code Content-Length}, stay those a {@code GET} would get.
     *
     * @param ctx the connection
     * @param request what is being answered
     * @param response the response, released by this method
     * @param close whether to close the connection once the response is written
     */
    static void send(ChannelHandlerContext ctx, HttpRequest request, FullHttpResponse response, boolean close) {
        if (HttpMethod.HEAD.equals(request.method()) && response.content().isReadable()) {
            FullHttpResponse headersOnly = response.replace(Unpooled.EMPTY_BUFFER);
            response.release();
            response = headersOnly;
        }
        if (close) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        dated(response);
        if (close) {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.writeAndFlush(response);
        }
    }
}
