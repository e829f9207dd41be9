package io.nettyaio.channel;

import io.netty.util.internal.SystemPropertyUtil;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.nettyaio.linux.LinuxAio;

/**
 * Whether kernel AIO works here: probed once, for real, with what requests use (an AIO context, an eventfd, one
 * request submitted and reaped, {@code preadv2}); see {@link LinuxAio}. A refused system call (ENOSYS, EPERM: seccomp,
 * a kernel without AIO) is named in {@link #unavailabilityCause()}. The system property {@code io.nettyaio.noAio=true}
 * turns it off. Loops log each kind of degradation at WARN, once per process ({@link AioMetrics#degradations()}).
 * Thread-safe.
 */
public final class Aio {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(Aio.class);
    private static final boolean DISABLED = SystemPropertyUtil.getBoolean(LinuxAio.DISABLED_PROP_NAME, false);

    static {
        Throwable cause = LinuxAio.unavailabilityCause();
        if (cause != null) {
            logger.debug("Linux AIO is unavailable", cause);
        }
    }

    private Aio() { }

    /** @return whether the {@code io.nettyaio.noAio} switch turned Linux AIO off: a choice, not a degradation */
    static boolean isDisabled() {
        return DISABLED;
    }

    /** @return whether Linux AIO can be used in this process */
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
