package io.nettyaio.channel;

import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.nettyaio.linux.LinuxAio;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The engine of a loop that could not open Linux AIO when it started for want of a resource that comes back: the
 * system-wide AIO budget ({@code fs.aio-max-nr}, io_setup EAGAIN) or a descriptor (EMFILE, ENFILE). It serves
 * requests with a {@link BlockingEngine} on native files, and tries to open the kernel engine again on loop turns,
 * at most once a second. Once that succeeds, new requests go to the kernel engine, and the blocking engine finishes
 * what it has (its results still come back to it) and is closed when idle. A failure that does not pass (Linux AIO
 * turned out unavailable) ends the tries: the loop stays on the blocking engine, as where AIO never existed.
 *
 * <p>The loop's {@link AioMetrics} are shared by both engines; {@link AioMetrics#engine()} names the current one.
 * Loop thread only, except {@link #openFile}, {@link #name()} and {@link #capacity()}: any thread.
 */
final class RecoveringEngine implements IoEngine {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(RecoveringEngine.class);
    static final long RETRY_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** Opens the kernel engine (with what the driver owns: the eventfd); throws what io_setup or eventfd threw. */
    interface KernelEngineOpener {
        IoEngine open() throws Exception;
    }

    private final AioMetrics metrics;
    private final KernelEngineOpener opener;
    /** The engine it started on; {@code null} once it was closed after the switch. */
    private BlockingEngine fallback;
    /** The kernel engine, once it could be opened. */
    private IoEngine kernel;
    /** Where new requests and files go. */
    private volatile IoEngine current;
    private long nextAttemptNanos;
    private boolean gaveUp;
    private boolean stopped;
    private boolean closed;

    /**
     * @param fallback the engine to serve with meanwhile, on the loop's metrics
     * @param cause why the kernel engine could not be opened: reported as a degradation of the loop
     */
    RecoveringEngine(BlockingEngine fallback, AioMetrics metrics, KernelEngineOpener opener, Throwable cause) {
        this.fallback = fallback;
        this.current = fallback;
        this.metrics = metrics;
        this.opener = opener;
        this.nextAttemptNanos = System.nanoTime() + RETRY_INTERVAL_NANOS;
        metrics.engine(fallback.name());
        Degradations.report(Degradations.shortageKind(cause), metrics, cause);
    }

    @Override
    public String name() {
        return current.name();
    }

    @Override
    public AioMetrics metrics() {
        return metrics;
    }

    @Override
    public int capacity() {
        return current.capacity();
    }

    @Override
    public FileIo openFile(Path path, OpenOptions options) throws IOException {
        return current.openFile(path, options);
    }

    @Override
    public void submit(IoRequest r) {
        current.submit(r);
    }

    @Override
    public void flush() {
        tryKernelEngine();
        if (fallback != null) {
            fallback.flush();
        }
        if (kernel != null) {
            kernel.flush();
        }
        retireFallbackWhenIdle();
    }

    @Override
    public void reap() {
        tryKernelEngine();
        if (kernel != null) {
            kernel.reap();
        }
        retireFallbackWhenIdle();
    }

    private void retireFallbackWhenIdle() {
        if (kernel != null && fallback != null && !fallback.hasWork()) {
            fallback.close(); // it finished what it had; the files it opened stay open, now the kernel engine's
            fallback = null;
        }
    }

    /** Opens the kernel engine when it is time to try; see the class comment. */
    private void tryKernelEngine() {
        if (kernel != null || gaveUp || stopped || closed) {
            return;
        }
        long now = System.nanoTime();
        if (now - nextAttemptNanos < 0) {
            return;
        }
        nextAttemptNanos = now + RETRY_INTERVAL_NANOS;
        if (!LinuxAio.isAvailable()) { // a probe that could not finish earlier may have finished now
            gaveUp = true;
            Degradations.report(Degradations.AIO_UNAVAILABLE, metrics, LinuxAio.unavailabilityCause());
            return;
        }
        try {
            kernel = opener.open();
        } catch (Throwable t) {
            if (LinuxAio.isTransient(t)) {
                logger.debug("Linux AIO still short of a resource; the loop keeps serving on blocking threads", t);
            } else {
                gaveUp = true;
                Degradations.report(Degradations.AIO_UNAVAILABLE, metrics, t);
            }
            return;
        }
        current = kernel;
        metrics.engine(kernel.name());
        logger.info("The loop has Linux AIO now ({} engine); it served requests on blocking threads until now",
                kernel.name());
    }

    @Override
    public boolean hasKernelWork() {
        return kernel != null && kernel.hasKernelWork();
    }

    @Override
    public boolean canPollCompletions() {
        return kernel != null && kernel.canPollCompletions();
    }

    @Override
    public boolean pollCompletions() {
        return kernel != null && kernel.pollCompletions();
    }

    @Override
    public boolean hasWork() {
        return (fallback != null && fallback.hasWork()) || (kernel != null && kernel.hasWork());
    }

    @Override
    public void stopAccepting() {
        stopped = true;
        if (fallback != null) {
            fallback.stopAccepting();
        }
        if (kernel != null) {
            kernel.stopAccepting();
        }
    }

    @Override
    public void failWaiting(FileState file) {
        if (fallback != null) {
            fallback.failWaiting(file);
        }
        if (kernel != null) {
            kernel.failWaiting(file);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (fallback != null) {
                fallback.close();
            }
        } finally {
            if (kernel != null) {
                kernel.close();
            }
        }
    }
}
