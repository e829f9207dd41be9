package io.nettyaio.linux;

/**
 * {@code open(2)} flags with this architecture's values (O_DIRECT differs between x86_64 and aarch64). Combine with
 * {@code |} and pass to {@link NativeFile#open(String, int, int)}; {@code O_CLOEXEC} is always added.
 */
public final class OpenFlags {
    /** Open for reading only. */
    public static final int RDONLY = Native.O_RDONLY;
    /** Open for writing only. */
    public static final int WRONLY = Native.O_WRONLY;
    /** Open for reading and writing. */
    public static final int RDWR = Native.O_RDWR;
    /** Create the file if it does not exist (uses the mode). */
    public static final int CREAT = Native.O_CREAT;
    /** With CREAT: fail with EEXIST if the file exists. */
    public static final int EXCL = Native.O_EXCL;
    /** Truncate an existing regular file to 0 bytes. */
    public static final int TRUNC = Native.O_TRUNC;
    /** Every write appends (AIO ignores the offset then). */
    public static final int APPEND = Native.O_APPEND;
    /** Each write is durable (data and the metadata needed to read it) when it completes. */
    public static final int DSYNC = Native.O_DSYNC;
    /**
     * Open without waiting: a FIFO opened for reading does not wait for a writer (for writing, with no reader, the
     * open fails with ENXIO). No effect on reads and writes of regular files and block devices; see
     * {@link NativeFile#setStatusFlags(int)} to clear it after checking what was opened.
     */
    public static final int NONBLOCK = Native.O_NONBLOCK;
    /** Do not update the access time (the caller must own the file). */
    public static final int NOATIME = Native.O_NOATIME;
    /** O_DIRECT for this architecture; 0 on an architecture the binding does not know. */
    // Not from Native: reading a flag must not load the binding (see NativeLoader)
    public static final int DIRECT = SyscallTable.oDirectOrZero();

    private OpenFlags() { }
}
