package io.nettyaio.linux;

/**
 * Whether Linux AIO works in this process, found out once by a real probe: load libc, create an AIO context and an
 * eventfd, and close both. The system property {@value #DISABLED_PROP_NAME}{@code =true} switches it off (the probe
 * is then not run), which makes higher layers use their fallback engine.
 *
 * <p>Thread-safe.
 */
public final class LinuxAio {
    /** System property: {@code true} makes {@link #isAvailable()} false without probing. */
    public static final String DISABLED_PROP_NAME = "io.nettyaio.noAio";

    private static final Throwable UNAVAILABILITY_CAUSE = probe();

    private LinuxAio() { }

    private static Throwable probe() {
        if (Boolean.getBoolean(DISABLED_PROP_NAME)) {
            return new UnsupportedOperationException("Linux AIO disabled by -D" + DISABLED_PROP_NAME + "=true");
        }
        if (Native.loadError() != null) {
            return Native.loadError();
        }
        try (AioContext context = AioContext.open(1); EventFd eventFd = EventFd.open()) {
            if (context.id() == 0 || eventFd.fd() < 0) {
                return new IllegalStateException("io_setup or eventfd returned an invalid handle");
            }
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    /** @return whether Linux AIO can be used */
    public static boolean isAvailable() {
        return UNAVAILABILITY_CAUSE == null;
    }

    /** @return why it cannot be used, or {@code null} when it can */
    public static Throwable unavailabilityCause() {
        return UNAVAILABILITY_CAUSE;
    }

    /**
     * @throws UnsatisfiedLinkError when unavailable, with the cause attached
     */
    public static void ensureAvailability() {
        if (UNAVAILABILITY_CAUSE != null) {
            UnsatisfiedLinkError e = new UnsatisfiedLinkError("Linux AIO is unavailable: " + UNAVAILABILITY_CAUSE);
            e.initCause(UNAVAILABILITY_CAUSE);
            throw e;
        }
    }
}
