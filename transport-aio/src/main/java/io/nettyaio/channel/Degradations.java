package io.nettyaio.channel;

import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.nettyaio.linux.Errno;
import io.nettyaio.linux.LinuxAio;
import io.nettyaio.linux.NativeIoException;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Where the library says that it does less than it could, and why: counted in the loop's {@link AioMetrics}, and
 * logged at WARN with the cause and the remedy the first time each kind happens in the process (at DEBUG after
 * that, with the stack trace). Thread-safe; the metrics are written on their loop's thread (or before it runs).
 */
final class Degradations {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(Degradations.class);

    /** Linux AIO is not there: a system call it needs is refused, or the binding cannot load. For good. */
    static final int AIO_UNAVAILABLE = 0;
    /** The system-wide AIO budget ({@code fs.aio-max-nr}) is used up: io_setup answers EAGAIN. Passes. */
    static final int AIO_BUDGET = 1;
    /** No descriptor free (EMFILE, ENFILE), or no memory. Passes. */
    static final int SHORTAGE = 2;
    /** {@code preadv2} is refused: buffered reads skip the synchronous read of cached pages. For good. */
    static final int CACHED_READS = 3;
    /**
     * {@code statx} is refused: sizes and types come from fstat, the O_DIRECT alignment is assumed. For good. Met
     * when a file is opened, off the loop: logged, not counted in a loop's metrics.
     */
    static final int STATX = 4;
    /** An io_uring ring cannot be created for a loop (io_uring disabled since the probe, memory locked up). */
    static final int IO_URING_RING = 5;
    /** {@code timerfd_create} is refused: a Linux AIO loop gives each sleep its own timeout instead. For good. */
    static final int TIMERFD = 6;

    private static final String[] WHAT = {
        "Linux AIO is unavailable; every request runs on blocking threads (the fallback engine)",
        "The system-wide Linux AIO budget is used up; the loop serves requests on blocking threads and tries "
            + "again once a second",
        "A resource Linux AIO needs is short; the loop serves requests on blocking threads and tries again once "
            + "a second",
        "preadv2 is refused; buffered reads go to Linux AIO instead of first reading cached pages on the loop",
        "statx is refused; file sizes and types come from fstat, and O_DIRECT files get the assumed alignment",
        "An io_uring ring cannot be created for the loop; it runs Linux AIO, or the blocking engine, instead",
        "timerfd is refused; the Linux AIO loop gives each sleep its own timeout, which costs the kernel a timer "
            + "per sleep",
    };
    /** Whether each kind has been logged at WARN yet: one per entry of {@link #WHAT}. */
    private static final AtomicBoolean[] WARNED = new AtomicBoolean[WHAT.length];

    static {
        for (int i = 0; i < WARNED.length; i++) {
            WARNED[i] = new AtomicBoolean();
        }
    }

    private Degradations() { }

    /** @return {@link #AIO_BUDGET} or {@link #SHORTAGE} for a failure {@link LinuxAio#isTransient} accepts */
    static int shortageKind(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof NativeIoException) {
                return ((NativeIoException) t).errno() == Errno.EAGAIN ? AIO_BUDGET : SHORTAGE;
            }
        }
        return SHORTAGE;
    }

    /**
     * Counts a degradation in {@code metrics} (when given) and logs it.
     *
     * @param kind one of the constants
     * @param metrics the loop's metrics, or {@code null} for the process (the availability probe)
     * @param cause what failed
     * @return the description recorded: what happens now, the cause, and the remedy
     */
    static String report(int kind, AioMetrics metrics, Throwable cause) {
        String description = WHAT[kind] + ". Cause: " + cause.getMessage() + ". " + remedy(kind, cause);
        if (metrics != null) {
            metrics.recordDegradation(description);
        }
        AioJfr.engineDegraded(metrics != null ? metrics.engine() : "linux-aio", description);
        if (WARNED[kind].compareAndSet(false, true)) {
            // The message carries the cause; its stack trace says nothing more to an operator, so only at DEBUG
            logger.warn(description);
            logger.debug("The cause of: {}", WHAT[kind], cause);
        } else {
            logger.debug(description, cause);
        }
        return description;
    }

    private static String remedy(int kind, Throwable cause) {
        switch (kind) {
            case AIO_UNAVAILABLE:
                return LinuxAio.isRefused(cause)
                        ? "Remedy: allow io_setup, io_submit, io_getevents, io_destroy, eventfd2 and preadv2 in the "
                            + "seccomp profile (or use a kernel with CONFIG_AIO), or set -D"
                            + LinuxAio.DISABLED_PROP_NAME + "=true to choose the fallback engine"
                        : "Remedy: see the cause; -D" + LinuxAio.DISABLED_PROP_NAME + "=true chooses the fallback "
                            + "engine";
            case AIO_BUDGET:
                return "Remedy: raise fs.aio-max-nr (sysctl -w fs.aio-max-nr=1048576), or lower -D"
                        + AioEventLoopGroup.QUEUE_DEPTH_PROP_NAME + " or the number of loops";
            case SHORTAGE:
                return "Remedy: raise the descriptor limit (ulimit -n, LimitNOFILE= in a systemd unit; "
                        + "fs.file-max for ENFILE), or close descriptors";
            case CACHED_READS:
                return "Remedy: allow preadv2 in the seccomp profile, or set -D"
                        + LinuxAioEngine.NO_CACHED_READ_FAST_PATH_PROP_NAME + "=true";
            case IO_URING_RING:
                return "Remedy: check kernel.io_uring_disabled and the seccomp profile, and RLIMIT_MEMLOCK on kernels "
                        + "before 5.12; -D" + AioEngines.ENGINE_PROP_NAME + "=linux-aio chooses Linux AIO";
            case TIMERFD:
                return "Remedy: allow timerfd_create and timerfd_settime in the seccomp profile";
            default:
                return "Remedy: allow statx in the seccomp profile; -D" + FileState.DIRECT_ALIGNMENT_PROP_NAME
                        + " sets the alignment assumed for O_DIRECT";
        }
    }
}
