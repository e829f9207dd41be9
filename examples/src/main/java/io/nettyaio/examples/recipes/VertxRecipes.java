package io.nettyaio.examples.recipes;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.nettyaio.channel.AioFileChannel;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.buffer.BufferInternal;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * {@code AioFileChannel} in Vert.x 5: files read on the Netty event loop of the Vert.x context, and written to the
 * HTTP response without a copy.
 *
 * <p><b>Internal API.</b> Vert.x 5 has no public way to reach a context's Netty loop or to wrap a {@link ByteBuf}:
 * this recipe uses {@code io.vertx.core.internal.ContextInternal.nettyEventLoop()} and
 * {@code io.vertx.core.internal.buffer.BufferInternal.buffer(ByteBuf)}, tested with Vert.x 5.0.7 (the BOM
 * {@code io.vertx:vertx-stack-depchain:5.0.7}). They may change in any release: pin the version and keep this test.
 */
public final class VertxRecipes {
    private VertxRecipes() { }

    /**
     * @param context a Vert.x event-loop context, e.g. {@link Vertx#currentContext()} in a handler
     * @return its Netty event loop: open files on it to complete on the context's own thread (with native
     *         transport: epoll, or io_uring); with NIO, a default AIO group reaps and the loop runs the listeners
     */
    public static EventLoop nettyEventLoop(Context context) {
        return ((ContextInternal) context).nettyEventLoop();
    }

    /**
     * A request handler that serves the files of {@code root} by name ({@code /NAME}), each read whole into one
     * pooled direct buffer on the request's own loop (a recipe: for large files read chunk by chunk and wait for the
     * response's {@code drainHandler}).
     *
     * @param root the directory served
     * @param alloc where the file buffers come from, e.g. {@code PooledByteBufAllocator.DEFAULT}
     * @return the handler
     */
    public static Handler<HttpServerRequest> fileHandler(Path root, ByteBufAllocator alloc) {
        return request -> {
            HttpServerResponse response = request.response();
            Path file = root.resolve(request.path().substring(1)).normalize();
            if (!root.normalize().equals(file.getParent())) {
                response.setStatusCode(404).end();
                return;
            }
            AioFileChannel ch;
            int size;
            try {
                ch = AioFileChannel.open(file, nettyEventLoop(Vertx.currentContext()), StandardOpenOption.READ);
            } catch (IOException e) {
                response.setStatusCode(FutureRecipes.isMissing(e) ? 404 : 500).end();
                return;
            }
            try {
                size = Math.toIntExact(ch.size());
            } catch (IOException | ArithmeticException e) {
                ch.closeAsync();
                response.setStatusCode(500).end();
                return;
            }
            ByteBuf buf = alloc.directBuffer(Math.max(1, size));
            ch.readFully(buf, 0).addListener((Future<Integer> f) -> {
                ch.closeAsync();
                if (!f.isSuccess()) {
                    buf.release();
                    response.setStatusCode(500).end();
                    return;
                }
                // Vert.x writes an unreleasable view of a foreign ByteBuf: the buffer stays ours, and is released
                // once the write is done (success or not)
                response.end(BufferInternal.buffer(buf)).onComplete(ar -> buf.release());
            });
        };
    }
}
