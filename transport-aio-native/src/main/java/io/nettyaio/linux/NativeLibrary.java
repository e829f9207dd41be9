package io.nettyaio.linux;

/**
 * Whether the binding itself works here: libc loaded through jnr-ffi on a supported architecture. True where
 * {@link LinuxAio} may still be unavailable (a seccomp profile that refuses io_setup, say): files, eventfds and
 * memory of this package then work, AIO contexts do not.
 */
public final class NativeLibrary {
    private NativeLibrary() { }

    /** @return whether the binding can make system calls */
    public static boolean isLoaded() {
        return Native.loadError() == null;
    }

    /** @return why it cannot, or {@code null} when it can */
    public static Throwable loadError() {
        return Native.loadError();
    }
}
