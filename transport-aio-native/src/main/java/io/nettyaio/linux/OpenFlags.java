package io.nettyaio.linux;

/**
 * {@code open(2)} flags with this architecture's values (O_DIRECT differs between x86_64 and aarch64). Combine with
 * {@code |} and pass to {@link NativeFile#open(String, int, int)}; {@code O_CLOEXEC} is always added.
 */
public final class OpenFlags {
    public static final int RDONLY = Native.O_RDONLY;
    public static final int WRONLY = Native.O_WRONLY;
    public static final int RDWR = Native.O_RDWR;
    public static final int CREAT = Native.O_CREAT;
    public static final int EXCL = Native.O_EXCL;
    public static final int TRUNC = Native.O_TRUNC;
    public static final int APPEND = Native.O_APPEND;
    public static final int DSYNC = Native.O_DSYNC;
    public static final int NOATIME = Native.O_NOATIME;
    /** O_DIRECT for this architecture; 0 when the binding is unavailable. */
    public static final int DIRECT = Native.SYSCALLS == null ? 0 : Native.SYSCALLS.oDirect;

    private OpenFlags() { }
}
