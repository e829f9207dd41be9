package io.nettyaio.channel;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.internal.SystemPropertyUtil;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * What the engine knows of one open file: its {@link FileIo}, its mode and O_DIRECT alignment, the requests it has
 * in flight, whether it refused RWF_NOWAIT, and its close protocol. {@link AioFileChannel} is the face; this is
 * what requests point to, so nothing on the request path calls back into the public class.
 *
 * <p>Close: {@link #closeAsync()} (any thread) stops new requests; on the loop the engine fails what still waits,
 * and the descriptor is closed when the last started request finishes, or when the loop goes away.
 */
final class FileState {
    /** System property: the alignment assumed for DIRECT files whose filesystem reports none (default 4096). */
    static final String DIRECT_ALIGNMENT_PROP_NAME = "io.nettyaio.directAlignment";
    static final int DEFAULT_DIRECT_ALIGNMENT =
            SystemPropertyUtil.getInt(DIRECT_ALIGNMENT_PROP_NAME, AioBuffers.PAGE_ALIGNMENT);

    private static final int OPEN = 0;
    private static final int CLOSING = 1;
    private static final int CLOSED = 2;
    private static final AtomicIntegerFieldUpdater<FileState> STATE =
            AtomicIntegerFieldUpdater.newUpdater(FileState.class, "state");

    private final Path path;
    private final FileIo io;
    /** Whether the kernel engine can submit on it: a JDK file (opened while the binding was not loaded) cannot. */
    private final boolean kernelSubmittable;
    private final LoopDriver driver;
    private final boolean readable;
    private final boolean writable;
    private final boolean direct;
    private final int memoryAlignment;
    private final int offsetAlignment;
    /** The channel's default I/O priority (0: none). */
    private final short ioPriority;
    private final ListenerExecutor listeners;
    private final Promise<Void> closePromise;
    private volatile int state;
    /** Requests the engine accepted and has not finished. Loop thread only. */
    private int pending;
    /** The loop has failed what waited: close the descriptor when {@link #pending} reaches 0. Loop thread only. */
    private boolean closeWhenIdle;
    /** Closes this file when the executor it was opened with terminates, if that is no loop of ours; or null. */
    private volatile ExecutorFiles executorFiles;
    /** The file refused RWF_NOWAIT for reads / writes: send them straight to a blocking thread. Loop thread only. */
    private boolean nowaitReadsUnsupported;
    private boolean nowaitWritesUnsupported;

    FileState(Path path, FileIo io, LoopDriver driver, EventExecutor executor, OpenOptions options,
              int memoryAlignment, int offsetAlignment) {
        this.path = path;
        this.io = io;
        this.kernelSubmittable = !(io instanceof JdkFileIo);
        this.driver = driver;
        this.readable = options.read;
        this.writable = options.write;
        this.direct = options.direct;
        this.memoryAlignment = memoryAlignment;
        this.offsetAlignment = offsetAlignment;
        this.ioPriority = options.priority == null ? 0 : options.priority.value();
        this.listeners = new ListenerExecutor(executor);
        this.closePromise = listeners.newPromise();
    }

    /**
     * @return a promise whose listeners run on the channel's executor, or at once if that has terminated: every
     *         listener runs exactly once
     */
    <T> Promise<T> newPromise() {
        return listeners.newPromise();
    }

    Path path() {
        return path;
    }

    FileIo io() {
        return io;
    }

    LoopDriver driver() {
        return driver;
    }

    /** @return whether the kernel engine can submit on its descriptor (else its requests go to blocking threads) */
    boolean isKernelSubmittable() {
        return kernelSubmittable;
    }

    boolean isReadable() {
        return readable;
    }

    boolean isWritable() {
        return writable;
    }

    boolean isDirect() {
        return direct;
    }

    int memoryAlignment() {
        return memoryAlignment;
    }

    int offsetAlignment() {
        return offsetAlignment;
    }

    /** @return the priority a request with {@code options} carries: its own, else the channel's default */
    short ioPriority(AioRequestOptions options) {
        AioIoPriority own = options.priority();
        return own != null ? own.value() : ioPriority;
    }

    /** @return whether {@code bytes} is a multiple of the offset alignment (always, when not DIRECT) */
    boolean isAligned(long bytes) {
        return (bytes & (offsetAlignment - 1)) == 0;
    }

    boolean isOpen() {
        return state == OPEN;
    }

    Future<Void> closeFuture() {
        return closePromise;
    }

    // ---- loop thread ----

    boolean acceptsRequests() {
        return state == OPEN;
    }

    void requestStarted() {
        pending++;
    }

    void requestFinished() {
        if (--pending == 0 && closeWhenIdle) {
            finishClose();
        }
    }

    /** @return whether {@code r} must go to a blocking thread because this file refused RWF_NOWAIT for its kind */
    boolean refusesNowait(IoRequest r) {
        return !r.isDataless() && (r.isRead() ? nowaitReadsUnsupported : nowaitWritesUnsupported);
    }

    void nowaitUnsupported(boolean read) {
        if (read) {
            nowaitReadsUnsupported = true;
        } else {
            nowaitWritesUnsupported = true;
        }
    }

    /** The engine failed this file's waiting requests: close as soon as the started ones are finished. */
    void closeWhenIdle() {
        closeWhenIdle = true;
        if (pending == 0) {
            finishClose();
        }
    }

    // ---- any thread ----

    /** Has the file closed when {@code executor}, which does not run its requests, terminates. Once, at open. */
    void closeWithExecutor(EventExecutor executor) {
        executorFiles = ExecutorFiles.closeWhenTerminated(this, executor);
        if (!isOpen()) {
            unbindExecutor(); // closed meanwhile, before the binding was recorded
        }
    }

    private void unbindExecutor() {
        ExecutorFiles bound = executorFiles;
        if (bound != null) {
            bound.remove(this);
        }
    }

    /** Stops accepting requests and has the loop close the file; idempotent. */
    Future<Void> closeAsync() {
        if (STATE.compareAndSet(this, OPEN, CLOSING)) {
            driver.closeWhenIdle(this);
        }
        return closePromise;
    }

    /** The loop is gone, and with it every request of this file: close now. */
    void finishClose() {
        if (STATE.getAndSet(this, CLOSED) == CLOSED) {
            return;
        }
        driver.files().remove(this);
        unbindExecutor();
        try {
            io.close();
            closePromise.trySuccess(null);
        } catch (Throwable t) {
            closePromise.tryFailure(t);
        }
    }

    @Override
    public String toString() {
        return path + (direct ? ", DIRECT" : "") + (isOpen() ? "" : ", closed");
    }
}
