package io.nettyaio.channel;

import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.nettyaio.linux.LinuxAio;

/**
 * Whether kernel AIO works here: probed once, for real (an AIO context and an eventfd are created and closed).
 * The system property {@code io.nettyaio.noAio=true} turns it off. Thread-safe.
 */
public final class Aio {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(Aio.class);

    static {
        Throwable cause = LinuxAio.unavailabilityCause();
        if (cause != null) {
            logger.debug("Linux AIO is unavailable", cause);
            AioJfr.engineDegraded(AioEngines.LINUX_AIO, cause);
        }
    }

    private Aio() { }

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
