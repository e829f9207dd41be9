package io.nettyaio.examples.recipes;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.nettyaio.channel.AioFileChannel;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerResponse;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code AioFileChannel} with Reactor (reactor-core 3.8) and Reactor Netty (1.3): a Mono of a netty-aio future, a
 * Flux of file chunks with back-pressure, and an HTTP route that serves files from them.
 */
public final class ReactorRecipes {
    private ReactorRecipes() { }

    /**
     * A Mono of a netty-aio future, through {@link FutureRecipes#stage(Future)}: it signals on the thread that
     * completes the future (the completion loop), and is empty for a {@code Future<Void>}. The request was issued
     * when the future was made: wrap the call in {@link Mono#defer} for a Mono that issues it on subscription.
     * Cancelling the Mono cancels the future, which succeeds only while the request is not submitted.
     *
     * @param future a future of {@code AioFileChannel}
     * @param <T> its value type
     * @return a Mono of its outcome
     */
    public static <T> Mono<T> mono(Future<T> future) {
        return Mono.fromCompletionStage(FutureRecipes.stage(future)).doOnCancel(() -> future.cancel(false));
    }

    /**
     * Streams {@code length} bytes from {@code position} in chunks of up to {@code chunkSize}. Back-pressure: one
     * read in flight at a time, and at most one chunk read ahead of what the subscriber asked for. The subscriber owns,
     * and releases, every chunk it receives; a chunk that was being read when the subscriber cancelled or failed is
     * released here, when its read completes (Reactor's discard hook). The file stays open: close it when the Flux
     * terminates ({@code doFinally}).
     *
     * @return the chunks, each a direct buffer from {@code alloc}; fewer bytes than asked when the file is shorter
     */
    public static Flux<ByteBuf> read(AioFileChannel ch, long position, long length, int chunkSize,
                                     ByteBufAllocator alloc) {
        long end = position + length;
        return Flux.<Long, Long>generate(() -> position, (next, sink) -> {
            if (next < end) {
                sink.next(next);
            } else {
                sink.complete();
            }
            return next + chunkSize;
        })
                // prefetch 0: the next position, and so the next read, only on demand
                .concatMap(pos -> readChunk(ch, pos, (int) Math.min(chunkSize, end - pos), alloc), 0)
                .takeWhile(chunk -> chunk.isReadable())
                .doOnDiscard(ByteBuf.class, ReferenceCountUtil::safeRelease);
    }

    private static Mono<ByteBuf> readChunk(AioFileChannel ch, long pos, int len, ByteBufAllocator alloc) {
        return Mono.create(sink -> {
            ByteBuf buf = alloc.directBuffer(len);
            ch.readFully(buf, pos).addListener((Future<Integer> f) -> {
                if (f.isSuccess()) {
                    sink.success(buf); // after a cancel, Reactor hands it to the discard hook instead
                } else {
                    buf.release();
                    sink.error(f.cause());
                }
            });
        });
    }

    /**
     * An HTTP server on 127.0.0.1 (an ephemeral port) that serves the files of {@code root} at
     * {@code /files/{name}}.
     *
     * @return the bound server; dispose it when done
     */
    public static DisposableServer serve(Path root) {
        return HttpServer.create().host("127.0.0.1").port(0)
                .route(routes -> routes.get("/files/{name}",
                        (request, response) -> sendFile(root, request.param("name"), response)))
                .bindNow();
    }

    /**
     * Sends one file. It is opened before {@code send}: a missing file is then a clean 404, where opening it inside
     * the body's Flux would have sent a 200 first and then reset the connection.
     */
    static Publisher<Void> sendFile(Path root, String name, HttpServerResponse response) {
        Path file = root.resolve(name).normalize();
        if (!file.getParent().equals(root.normalize())) {
            return response.status(HttpResponseStatus.NOT_FOUND).send();
        }
        AioFileChannel ch;
        long size;
        try {
            // on the connection's own loop: with epoll or io_uring, completions run there with no thread hop
            ch = AioFileChannel.open(file, eventLoopOf(response), StandardOpenOption.READ);
        } catch (IOException e) {
            return response.status(FutureRecipes.isMissing(e) ? HttpResponseStatus.NOT_FOUND
                    : HttpResponseStatus.INTERNAL_SERVER_ERROR).send();
        }
        try {
            size = ch.size();
        } catch (IOException e) {
            ch.closeAsync();
            return response.status(HttpResponseStatus.INTERNAL_SERVER_ERROR).send();
        }
        ByteBufAllocator alloc = response.alloc();
        return response.header(HttpHeaderNames.CONTENT_LENGTH, Long.toString(size))
                .send(read(ch, 0, size, 64 * 1024, alloc).doFinally(signal -> ch.closeAsync()));
    }

    private static EventLoop eventLoopOf(HttpServerResponse response) {
        AtomicReference<EventLoop> loop = new AtomicReference<>();
        response.withConnection(c -> loop.set(c.channel().eventLoop()));
        return loop.get();
    }
}
