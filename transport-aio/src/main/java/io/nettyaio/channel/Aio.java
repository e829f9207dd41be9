package io.nettyaio.channel;

/** STUB: signatures from API.md; implementation in progress. */
public final class Aio {
    private Aio() { }
    public static boolean isAvailable() { return false; }
    public static void ensureAvailability() { throw new UnsatisfiedLinkError("stub"); }
    public static Throwable unavailabilityCause() { return new UnsupportedOperationException("stub"); }
}
