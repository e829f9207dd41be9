package io.nettyaio.channel;

import io.netty.util.internal.SystemPropertyUtil;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.nettyaio.linux.LinuxAio;

/**
 * Whether kernel AIO works here: probed for real, with what requests use (an AIO context, an eventfd, one request
 * submitted and reaped, {@code preadv2}); see {@link LinuxAio} for what the probe tells apart. A refused system call
 * (ENOSYS, EPERM: seccomp, a kernel without AIO) makes it unavailable for the process; a resource that is short for
 * a moment ({@code fs.aio-max-nr} used up, no descriptor free) does not: loops then serve requests on blocking threads
 * and switch to Linux AIO when they can (see {@link AioMetrics#degradations()}). The system property
 * {@code io.nettyaio.noAio=true} turns it off. Loops log each kind of degradation at WARN, once per process.
 * Thread-safe.
 */
public final class Aio {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(Aio.class);
    private static final boolean DISABLED = SystemPropertyUtil.getBoolean(LinuxAio.DISABLED_PROP_NAME, false);

    static {
        Throwable cause = LinuxAio.unavailabilityCause();
        if (cause != null) {
            logger.debug("Linux AIO is unavailable", cause);
            AioJfr.engineDegraded(AioEngines.LINUX_AIO, cause);
        }
    }

    private Aio() { }

    /** @return whether the {@code io.nettyaio.noAio} switch turned Linux AIO off: a choice, not a degradation */
    static boolean isDisabled() {
        return DISABLED;
    }

    /**
     * @return whether Linux AIO can be used in this process; also true while it is only short of a resource that
     *         comes back (loops use it as soon as they can)
     */
    public static boolean isAvailable() {
        return LinuxAio.isAvailable();
    }

    /**
     * @throws UnsatisfiedLinkError when Linux AIO is unavailable, with the cause attached
     */
    public static void ensureAvailability() {
        LinuxAio.ensureAvailability();
    }

    /** @return why Linux AIO is unavailable, or {@code null} when it is available */
    public static Throwable unavailabilityCause() {
        return LinuxAio.unavailabilityCause();
    }
}
