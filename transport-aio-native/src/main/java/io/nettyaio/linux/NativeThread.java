package io.nettyaio.linux;

import java.nio.ByteBuffer;

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

    /** {@code struct sched_attr} as of Linux 3.14 (SCHED_ATTR_SIZE_VER0): what sched_setattr needs here. */
    private static final int SCHED_ATTR_SIZE = 48;
    /** sched_getattr is given room for the newer layout (VER1, utilization clamps) too. */
    private static final int SCHED_ATTR_BUFFER = 56;
    private static final int SCHED_OTHER = 0;
    private static final int SCHED_BATCH = 3;
    private static final long SCHED_FLAG_RESET_ON_FORK = 1;
    // Offsets in struct sched_attr
    private static final int SIZE = 0;
    private static final int POLICY = 4;
    private static final int FLAGS = 8;
    private static final int PRIORITY = 20;
    private static final int RUNTIME = 24;

    /**
     * Asks the scheduler for a shorter (or longer) time slice for the calling thread, at its weight: Linux 6.12's
     * custom slices for {@code SCHED_OTHER} and {@code SCHED_BATCH} ({@code sched_setattr} with
     * {@code sched_runtime}; the kernel clamps it to 0.1-100 ms). A {@code SCHED_OTHER} thread with a shorter slice
     * gets the CPU sooner when it wakes on a busy CPU, in shorter turns ({@code SCHED_BATCH} only gets the shorter
     * turns: the kernel never lets it preempt on wake-up); its share of the CPU does not change, and no privilege
     * is needed. The thread's policy and nice value are kept (a renice of this thread by another between the two
     * system calls is undone). Threads of any other policy (real-time, deadline, idle) are left alone. Kernels
     * before 6.12 accept the call and ignore the slice.
     *
     * <p>Threads that this thread starts afterwards do not inherit the slice: a non-zero slice also sets
     * {@code SCHED_FLAG_RESET_ON_FORK}, so they start with the kernel's default slice, a nice value of at least 0
     * and no utilization clamps. The flag stays set for this thread (clearing it takes {@code CAP_SYS_NICE}).
     *
     * @param nanos the slice to ask for; 0 returns to the kernel's default ({@code sched_base_slice}: 0.75 ms times
     *              1 + log2 of the CPU count, at most 3 ms)
     * @return the slice the kernel reports for the thread afterwards, in nanoseconds: the clamped request where
     *         custom slices exist, 0 where the kernel reports none (before 6.12) or the policy is not a fair one
     * @throws IllegalArgumentException when {@code nanos} is negative
     * @throws NativeIoException when sched_getattr or sched_setattr fails (EPERM or EACCES from a seccomp profile or
     *                           a security module, ENOSYS)
     * @throws UnsatisfiedLinkError when the binding is unavailable
     */
    public static long setSchedulerSlice(long nanos) throws NativeIoException {
        if (nanos < 0) {
            throw new IllegalArgumentException("nanos: " + nanos + " (expected: >= 0; 0 for the kernel's default)");
        }
        NativeLoader.ensureLoaded();
        NativeMemory attr = NativeMemory.allocate(SCHED_ATTR_BUFFER, 8);
        try {
            ByteBuffer b = attr.buffer();
            getSchedAttr(attr);
            int policy = b.getInt(POLICY);
            if (policy != SCHED_OTHER && policy != SCHED_BATCH) {
                return 0;
            }
            // The nice value (at 16) stays as read, and so does reset-on-fork (clearing it would need a privilege)
            long flags = (b.getLong(FLAGS) & SCHED_FLAG_RESET_ON_FORK) | (nanos != 0 ? SCHED_FLAG_RESET_ON_FORK : 0);
            b.putInt(SIZE, SCHED_ATTR_SIZE).putLong(FLAGS, flags)
                    .putInt(PRIORITY, 0).putLong(RUNTIME, nanos).putLong(RUNTIME + 8, 0).putLong(RUNTIME + 16, 0);
            if (Native.LIBC.syscall(Native.SYSCALLS.schedSetattr, 0, attr.address(), 0) < 0) {
                throw new NativeIoException("sched_setattr", Native.lastErrno());
            }
            getSchedAttr(attr);
            return b.getLong(RUNTIME);
        } finally {
            attr.free();
        }
    }

    /**
     * @return the calling thread's slice as the kernel reports it (Linux 6.12+: its custom slice, else the default
     *         one), in nanoseconds; 0 where the kernel reports none or the policy is not a fair one
     * @throws NativeIoException when sched_getattr fails
     * @throws UnsatisfiedLinkError when the binding is unavailable
     */
    public static long schedulerSlice() throws NativeIoException {
        NativeLoader.ensureLoaded();
        NativeMemory attr = NativeMemory.allocate(SCHED_ATTR_BUFFER, 8);
        try {
            getSchedAttr(attr);
            int policy = attr.buffer().getInt(POLICY);
            return policy == SCHED_OTHER || policy == SCHED_BATCH ? attr.buffer().getLong(RUNTIME) : 0;
        } finally {
            attr.free();
        }
    }

    private static void getSchedAttr(NativeMemory attr) throws NativeIoException {
        if (Native.LIBC.syscall(Native.SYSCALLS.schedGetattr, 0, attr.address(), SCHED_ATTR_BUFFER, 0) < 0) {
            throw new NativeIoException("sched_getattr", Native.lastErrno());
        }
    }
}
