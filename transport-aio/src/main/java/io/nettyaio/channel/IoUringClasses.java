package io.nettyaio.channel;

/**
 * Whether Netty's io_uring classes are on the class path, checked without loading them; and their probe, reached
 * only through a nested class that is loaded after the check.
 */
final class IoUringClasses {
    static final boolean PRESENT = isPresent("io.netty.channel.IoEventLoop")
            && isPresent("io.netty.channel.uring.IoUringIoHandle");

    private IoUringClasses() { }

    private static boolean isPresent(String className) {
        try {
            Class.forName(className, false, IoUringClasses.class.getClassLoader());
            return true;
        } catch (Throwable t) {
            return false;
        }
    }

    /** Call only when {@link #PRESENT}. */
    static Throwable unavailabilityCause() {
        try {
            return Probe.cause();
        } catch (Throwable t) {
            return t; // the native library failed to load, or any other linkage error
        }
    }

    private static final class Probe {
        static Throwable cause() {
            return io.netty.channel.uring.IoUring.unavailabilityCause();
        }
    }
}
