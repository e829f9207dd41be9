package io.nettyaio.linux;

/**
 * The kernel's view of the calling thread: its thread id ({@code gettid}), which is what per-thread kernel settings
 * (cgroup v1 {@code tasks}, scheduler and I/O priority, {@code /proc/self/task/<tid>}) are keyed by.
 */
public final class NativeThread {
    private NativeThread() { }

    /**
     * @return the calling thread's kernel thread id
     * @throws UnsatisfiedLinkError when the binding is unavailable
     */
    public static int currentThreadId() {
        NativeLoader.ensureLoaded();
        return (int) Native.LIBC.syscall(Native.SYSCALLS.gettid);
    }

    /** {@code ioprio_set/get} "who": a process, or with id 0, the calling thread. */
    private static final int IOPRIO_WHO_PROCESS = 1;

    /**
     * @return the calling thread's I/O priority ({@code ioprio_get}), encoded as {@link AioAbi#ioprio(int, int)}
     *         does; 0 when none was set (the kernel then derives one from the CPU nice value)
     * @throws NativeIoException when the system call fails
     */
    public static short ioPriority() throws NativeIoException {
        NativeLoader.ensureLoaded();
        long r = Native.LIBC.syscall(Native.SYSCALLS.ioprioGet, IOPRIO_WHO_PROCESS, 0);
        if (r < 0) {
            throw new NativeIoException("ioprio_get", Native.lastErrno());
        }
        return (short) r;
    }

    /**
     * Sets the calling thread's I/O priority ({@code ioprio_set}): what its synchronous reads and writes carry.
     *
     * @param ioprio encoded as {@link AioAbi#ioprio(int, int)} does; 0 resets to the default
     * @throws NativeIoException EPERM for the real-time class without CAP_SYS_ADMIN or CAP_SYS_NICE, EINVAL for
     *                           an invalid value
     */
    public static void setIoPriority(short ioprio) throws NativeIoException {
        NativeLoader.ensureLoaded();
        if (Native.LIBC.syscall(Native.SYSCALLS.ioprioSet, IOPRIO_WHO_PROCESS, 0, ioprio) < 0) {
            throw new NativeIoException("ioprio_set", Native.lastErrno());
        }
    }
}
