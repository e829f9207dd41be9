package io.nettyaio.channel;

import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.nettyaio.linux.NativeLibrary;

/**
 * Whether the io_uring engine can run here, in the shape of Netty's {@code IoUring}: it needs Netty's io_uring
 * transport on the class path ({@code netty-transport-classes-io_uring} and its native jar, both optional
 * dependencies), Netty's own probe to pass (kernel 5.9+, {@code kernel.io_uring_disabled} not set, no seccomp
 * profile refusing {@code io_uring_setup}), and this library's native binding (files are opened through it).
 * Decided once; the reason it cannot is logged once at INFO. Thread-safe.
 *
 * <p>Nothing here loads an io_uring class unless they are on the class path.
 */
public final class AioIoUring {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(AioIoUring.class);
    private static final Throwable UNAVAILABILITY_CAUSE = probe();
    /** IORING_OP_FTRUNCATE came with Linux 6.9. */
    private static final boolean FTRUNCATE_SUPPORTED = kernelAtLeast(System.getProperty("os.version", ""), 6, 9);

    private AioIoUring() { }

    private static Throwable probe() {
        Throwable cause;
        if (!IoUringClasses.PRESENT) {
            cause = new ClassNotFoundException("io.netty.channel.uring.IoUring: add io.netty:netty-transport-classes-"
                    + "io_uring and netty-transport-native-io_uring (classifier linux-x86_64 or linux-aarch_64)");
        } else if (!NativeLibrary.isLoaded()) {
            cause = NativeLibrary.loadError();
        } else {
            cause = IoUringClasses.unavailabilityCause();
        }
        if (cause != null) {
            logger.info("The io_uring engine is unavailable: {}", cause.toString());
            AioJfr.engineDegraded(AioEngines.IO_URING, cause);
        }
        return cause;
    }

    /** @return whether the io_uring engine can be used in this process */
    public static boolean isAvailable() {
        return UNAVAILABILITY_CAUSE == null;
    }

    /** @return why it cannot be used, or {@code null} when it can */
    public static Throwable unavailabilityCause() {
        return UNAVAILABILITY_CAUSE;
    }

    /**
     * @throws UnsatisfiedLinkError when the io_uring engine is unavailable, with the cause attached
     */
    public static void ensureAvailability() {
        if (UNAVAILABILITY_CAUSE != null) {
            UnsatisfiedLinkError e = new UnsatisfiedLinkError("the io_uring engine is unavailable: "
                    + UNAVAILABILITY_CAUSE);
            e.initCause(UNAVAILABILITY_CAUSE);
            throw e;
        }
    }

    static boolean ftruncateSupported() {
        return FTRUNCATE_SUPPORTED;
    }

    /** @return whether a kernel release string such as {@code 6.18.44-fc} is at least {@code major.minor} */
    static boolean kernelAtLeast(String release, int major, int minor) {
        String[] parts = release.split("[.-]");
        try {
            int ma = Integer.parseInt(parts[0]);
            int mi = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
            return ma > major || ma == major && mi >= minor;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
