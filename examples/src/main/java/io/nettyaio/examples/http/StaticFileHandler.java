package io.nettyaio.examples.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.Future;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.nettyaio.linux.NativeIoException;

import java.io.IOException;
import java.net.URLConnection;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.Date;

/**
 * Answers {@code GET} and {@code HEAD} requests with files and directory listings from a {@link RootDirectory}.
 * One instance per HTTP/1.1 connection or HTTP/2 stream, behind a {@code ChunkedWriteHandler}. Requests are answered
 * one at a time, in order: those pipelined behind a file being streamed wait in a queue, and reading from the socket
 * pauses meanwhile so that queue stays short.
 * <p>
 * Only the file's bytes are read asynchronously, and only with {@link BodyReader#AIO}. Metadata calls ({@code stat},
 * {@code open}, {@code readdir}) are made on the event loop as they are: short, and Linux AIO has no asynchronous form
 * of them.
 */
final class StaticFileHandler extends ChannelInboundHandlerAdapter {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(StaticFileHandler.class);

    private final RootDirectory root;
    private final BodyReader reader;
    private final BodyReader.Settings settings;
    private final ServerActivity activity;
    private final ArrayDeque<FullHttpRequest> waiting = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private boolean streaming;

    StaticFileHandler(RootDirectory root, BodyReader reader, BodyReader.Settings settings, ServerActivity activity) {
        this.root = root;
        this.reader = reader;
        this.settings = settings;
        this.activity = activity;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        activity.connectionOpened();
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        // A body being streamed has been failed by the ChunkedWriteHandler before us: see bodyEnded.
        FullHttpRequest request;
        while ((request = waiting.poll()) != null) {
            request.release();
        }
        activity.connectionClosed();
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest)) {
            ctx.fireChannelRead(msg);
            return;
        }
        FullHttpRequest request = (FullHttpRequest) msg;
        if (streaming || !waiting.isEmpty()) {
            waiting.add(request);
            ctx.channel().config().setAutoRead(false);
            return;
        }
        serve(request);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        logger.debug("{}: closing after an error", ctx.channel(), cause);
        ctx.close();
    }

    private void serve(FullHttpRequest request) {
        try {
            respond(request);
        } catch (AccessDeniedException e) {
            Responses.send(ctx, request, Responses.status(HttpResponseStatus.FORBIDDEN), false);
        } catch (NoSuchFileException e) {
            Responses.send(ctx, request, Responses.status(HttpResponseStatus.NOT_FOUND), false);
        } catch (NativeIoException e) {
            // From AioFileChannel.open: the file vanished or became unreadable since we looked at it.
            Responses.send(ctx, request, Responses.status(statusFor(e)), false);
        } catch (IOException | RuntimeException e) {
            logger.warn("{}: {} {} failed", ctx.channel(), request.method(), request.uri(), e);
            Responses.send(ctx, request, Responses.status(HttpResponseStatus.INTERNAL_SERVER_ERROR), false);
        } finally {
            request.release();
        }
    }

    private void respond(FullHttpRequest request) throws IOException {
        if (request.decoderResult().isFailure()) {
            Responses.send(ctx, request, Responses.status(HttpResponseStatus.BAD_REQUEST), true);
            return;
        }
        if (!HttpMethod.GET.equals(request.method()) && !HttpMethod.HEAD.equals(request.method())) {
            FullHttpResponse response = Responses.status(HttpResponseStatus.METHOD_NOT_ALLOWED);
            response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            Responses.send(ctx, request, response, false);
            return;
        }
        RootDirectory.Resolution resolution = root.resolve(request.uri());
        if (resolution.refusal != null) {
            Responses.send(ctx, request, Responses.status(resolution.refusal), false);
            return;
        }
        BasicFileAttributes attributes = resolution.attributes;
        if (attributes.isDirectory()) {
            String listing = DirectoryListing.render(resolution.path, resolution.file);
            Responses.send(ctx, request, Responses.body(HttpResponseStatus.OK, "text/html; charset=utf-8", listing),
                    false);
        } else if (attributes.isRegularFile()) {
            respondWithFile(request, resolution.file, attributes);
        } else {
            Responses.send(ctx, request, Responses.status(HttpResponseStatus.NOT_FOUND), false);
        }
    }

    private void respondWithFile(FullHttpRequest request, Path path, BasicFileAttributes attributes)
            throws IOException {
        long size = attributes.size();
        // HTTP dates have whole seconds: compare at that precision, or a file would never be "not modified".
        long lastModified = attributes.lastModifiedTime().toMillis() / 1000 * 1000;
        HttpHeaders requestHeaders = request.headers();
        if (Preconditions.notModified(requestHeaders, lastModified)) {
            FullHttpResponse response = Responses.empty(HttpResponseStatus.NOT_MODIFIED);
            response.headers().set(HttpHeaderNames.LAST_MODIFIED, DateFormatter.format(new Date(lastModified)));
            Responses.send(ctx, request, response, false);
            return;
        }
        ByteRange range = Preconditions.rangeApplies(requestHeaders, lastModified)
                ? ByteRange.evaluate(requestHeaders.get(HttpHeaderNames.RANGE), size)
                : ByteRange.evaluate(null, size);
        if (range.kind == ByteRange.Kind.UNSATISFIABLE) {
            FullHttpResponse response = Responses.status(HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE);
            response.headers().set(HttpHeaderNames.CONTENT_RANGE, ByteRange.unsatisfiedRange(size));
            Responses.send(ctx, request, response, false);
            return;
        }
        boolean partial = range.kind == ByteRange.Kind.PARTIAL;
        long first = partial ? range.first : 0;
        long length = partial ? range.length() : size;

        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1,
                partial ? HttpResponseStatus.PARTIAL_CONTENT : HttpResponseStatus.OK);
        HttpHeaders headers = response.headers();
        headers.set(HttpHeaderNames.CONTENT_LENGTH, length)
                .set(HttpHeaderNames.CONTENT_TYPE, contentType(path))
                .set(HttpHeaderNames.LAST_MODIFIED, DateFormatter.format(new Date(lastModified)))
                .set(HttpHeaderNames.ACCEPT_RANGES, HttpHeaderValues.BYTES);
        if (partial) {
            headers.set(HttpHeaderNames.CONTENT_RANGE, range.contentRange(size));
        }
        Responses.dated(response);
        if (HttpMethod.HEAD.equals(request.method()) || length == 0) {
            FullHttpResponse full = Responses.empty(response.status());
            full.headers().set(headers);
            ctx.writeAndFlush(full);
            return;
        }
        streaming = true;
        try {
            reader.send(ctx, response, path, first, length, settings, activity).addListener(this::bodyEnded);
        } catch (IOException | RuntimeException e) {
            streaming = false;
            throw e;
        }
    }

    private void bodyEnded(Future<? super Void> body) {
        streaming = false;
        if (!body.isSuccess()) {
            logger.debug("{}: response cut short", ctx.channel(), body.cause());
            // The status line and Content-Length are gone already: only closing tells the client the body is cut.
            ctx.close();
            return;
        }
        FullHttpRequest next;
        while (!streaming && (next = waiting.poll()) != null) {
            serve(next);
        }
        if (waiting.isEmpty()) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    private HttpResponseStatus statusFor(NativeIoException e) {
        switch (e.errnoName()) {
            case "ENOENT":
            case "ENOTDIR":
                return HttpResponseStatus.NOT_FOUND;
            case "EACCES":
            case "EPERM":
                return HttpResponseStatus.FORBIDDEN;
            default:
                logger.warn("{}: cannot open a file", ctx.channel(), e);
                return HttpResponseStatus.INTERNAL_SERVER_ERROR;
        }
    }

    private static String contentType(Path path) {
        String type = URLConnection.guessContentTypeFromName(path.getFileName().toString());
        if (type == null) {
            return "application/octet-stream";
        }
        return type.startsWith("text/") ? type + "; charset=utf-8" : type;
    }
}
