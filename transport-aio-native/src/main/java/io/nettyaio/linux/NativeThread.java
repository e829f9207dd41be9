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
}
