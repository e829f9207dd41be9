package io.nettyaio.examples.recipes;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.BlockingOperationException;
import io.netty.util.concurrent.Future;
import io.nettyaio.channel.AioFileChannel;
import io.nettyaio.linux.Errno;
import io.nettyaio.linux.NativeIoException;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;

/**
 * {@code AioFileChannel} for {@link CompletionStage} users and for plain blocking callers.
 *
 * <p>Netty 4.2's {@link Future} is no {@link CompletionStage} and has no {@code asStage()} (that came with Netty
 * 5): {@link #stage(Future)} bridges it with one listener.
 *
 * <p>The threading rules: a netty-aio future completes on the file's completion loop ({@link
 * AioFileChannel#completionLoop()}) and its listeners run on the channel's executor (the same loop, when the file was
 * opened on an AioEventLoop or a Netty epoll or io_uring loop); the stage then runs its non-async stages
 * ({@code thenApply}, {@code thenCompose}, ...) on that thread too. Keep them short and never block in them; move
 * heavy work off with the {@code *Async(fn, executor)} variants. {@code get()} may be called from any thread but the
 * completion loop: there it would wait for itself, and Netty refuses with {@link BlockingOperationException}.
 */
public final class FutureRecipes {
    private FutureRecipes() { }

    /**
     * A {@link CompletableFuture} completed by {@code future}'s listener: with its value, its failure, or cancelled.
     * Cancelling the stage cancels the future too, which succeeds only while the request is not submitted.
     *
     * @param future a future of {@code AioFileChannel}
     * @param <T> its value type
     * @return the stage
     */
    public static <T> CompletableFuture<T> stage(Future<T> future) {
        CompletableFuture<T> stage = new CompletableFuture<>();
        future.addListener((Future<T> f) -> {
            if (f.isSuccess()) {
                stage.complete(f.getNow());
            } else if (f.isCancelled()) {
                stage.cancel(false);
            } else {
                stage.completeExceptionally(f.cause());
            }
        });
        stage.whenComplete((v, error) -> {
            if (stage.isCancelled()) {
                future.cancel(false);
            }
        });
        return stage;
    }

    /**
     * Reads {@code length} bytes at {@code from} in {@code src}, writes them at the same position in {@code dst},
     * and makes them durable: three requests chained as stages. The buffer is released however the chain ends.
     *
     * @param buf a buffer with at least {@code length} writable bytes; this method takes over one reference
     * @return the bytes copied, completed on {@code dst}'s completion loop
     */
    public static CompletionStage<Integer> copyDurably(AioFileChannel src, AioFileChannel dst, ByteBuf buf,
                                                       long from) {
        return stage(src.readFully(buf, from))
                .thenCompose(n -> stage(dst.write(buf, from)))
                .thenCompose(n -> stage(dst.fdatasync()).thenApply(ignored -> n))
                .whenComplete((n, error) -> buf.release());
    }

    /**
     * As {@link #copyDurably}, with the result handed to {@code executor}: what runs after it is off the loop.
     *
     * @return the bytes copied, completed on {@code executor}
     */
    public static CompletionStage<Integer> copyDurablyThenLeaveTheLoop(AioFileChannel src, AioFileChannel dst,
                                                                       ByteBuf buf, long from, Executor executor) {
        return copyDurably(src, dst, buf, from).thenApplyAsync(n -> n, executor);
    }

    /**
     * @param e what {@link AioFileChannel#open} threw
     * @return whether the file does not exist: the native open reports ENOENT as a {@link NativeIoException}, the
     *         JDK's (the blocking engine) as a {@link NoSuchFileException}
     */
    public static boolean isMissing(IOException e) {
        return e instanceof NoSuchFileException
                || e instanceof NativeIoException && ((NativeIoException) e).errno() == Errno.ENOENT;
    }

    /**
     * Reads and waits: for code that is not asynchronous (a command-line tool, a test, a thread of its own). Not on
     * the completion loop: there {@code get()} throws {@link BlockingOperationException}.
     *
     * @return bytes read, or -1 at end of file
     * @throws ExecutionException when the read fails (the cause is the I/O error)
     */
    public static int readBlocking(AioFileChannel ch, ByteBuf dst, long position) throws InterruptedException,
            ExecutionException {
        return ch.read(dst, position).get();
    }
}
