package io.nettyaio.channel;

import java.io.IOException;
import java.nio.file.Path;

/**
 * How one loop's requests reach the operating system: the Linux AIO engine ({@link LinuxAioEngine}: iocb slots on an
 * AIO context, completions signalled on the loop's eventfd) or the blocking engine ({@link BlockingEngine}: the
 * fallback where kernel AIO is unavailable, every request on a blocking thread). The engine routes each request
 * once, classifies each result once, and finishes the request; it never calls back into {@link AioFileChannel}.
 *
 * <p>A {@link LoopDriver} owns the engine and calls it on its loop's thread only.
 */
interface IoEngine {
    /** @return {@code "linux-aio"} or {@code "blocking"} */
    String name();

    AioMetrics metrics();

    /** @return how many requests can be in the kernel (or on blocking threads) at once */
    int capacity();

    /** Opens a file the way this engine submits on it. Any thread. */
    FileIo openFile(Path path, OpenOptions options) throws IOException;

    /** Accepts a request (its buffers retained) and routes it; it will be finished exactly once. */
    void submit(IoRequest r);

    /** Hands what was prepared since the last flush to the kernel. */
    void flush();

    /** Finishes every request whose completion is ready. */
    void reap();

    /** @return whether any request is in the kernel, on a blocking thread, or waiting for either */
    boolean hasWork();

    /** @return whether completions wait to be reaped now, seen without a system call (false: unknown) */
    default boolean hasCompletions() {
        return false;
    }

    /** @return whether requests are in the kernel now, whose completions {@link #pollCompletions} can find */
    boolean hasKernelWork();

    /**
     * @return whether {@link #pollCompletions} can see completions at all (false: the Linux AIO ring is not read, or
     *         the engine has no kernel ring); a loop busy-polls only where it can
     */
    default boolean canPollCompletions() {
        return false;
    }

    /**
     * Looks for completions without sleeping, for a loop that busy-polls before it sleeps: one look (a read of shared
     * memory, or one system call that does not wait). It handles nothing: what it finds is reaped by the loop's next
     * turn.
     *
     * @return whether completions were found
     */
    default boolean pollCompletions() {
        return hasCompletions();
    }

    /**
     * The loop is shutting down: new requests and waiting ones that never started fail with
     * {@link java.nio.channels.ClosedChannelException}; started ones and their continuations finish. Idempotent.
     */
    void stopAccepting();

    /** Fails the requests of {@code file} that wait and never started: the file is closing. */
    void failWaiting(FileState file);

    /**
     * Lets what the kernel and the blocking threads have finish (the promises complete with the real outcome), fails
     * what waits, and frees every kernel resource and native memory. Blocks the loop meanwhile. Idempotent.
     */
    void close();

    /**
     * Runs {@code action} on the loop once no request of this engine is in the kernel: at once where {@link #close()}
     * waits for the kernel itself, later where completions are delivered by someone else's loop (io_uring on a Netty
     * loop: files must stay open until the ring has submitted and finished their requests). Called after
     * {@link #close()}.
     */
    default void afterKernelIdle(Runnable action) {
        action.run();
    }
}
