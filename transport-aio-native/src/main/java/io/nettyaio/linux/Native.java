package io.nettyaio.linux;

import jnr.ffi.LibraryLoader;
import jnr.ffi.LibraryOption;
import jnr.ffi.Runtime;


/**
 * The system calls this module uses, as static methods that either return a result or throw
 * {@link NativeIoException}. This is the only class that looks at return codes and errno; callers never do.
 *
 * <p>All methods are thread-safe in themselves (errno is saved per thread by jnr-ffi and read straight after the
 * call on the same thread); what is shared is the kernel object, and its owner decides who may touch it.
 */
final class Native {
    static final SyscallTable SYSCALLS;
    static final LibC.Functions LIBC;
    static final Runtime RUNTIME;
    private static final Throwable LOAD_ERROR;

    static {
        SyscallTable table = null;
        LibC.Functions libc = null;
        Runtime runtime = null;
        Throwable error = null;
        try {
            table = SyscallTable.forCurrentArch();
            libc = LibraryLoader.create(LibC.Functions.class)
                    .failImmediately()
                    .option(LibraryOption.LoadNow, true)
                    .load("c");
            runtime = Runtime.getRuntime(libc);
        } catch (Throwable t) {
            error = t;
            libc = null;
        }
        SYSCALLS = table;
        LIBC = libc;
        RUNTIME = runtime;
        LOAD_ERROR = error;
    }

    // open(2) flags shared by x86_64 and aarch64 (O_DIRECT is in the per-arch table)
    static final int O_RDONLY = 0;
    static final int O_WRONLY = 1;
    static final int O_RDWR = 2;
    static final int O_CREAT = 0100;
    static final int O_EXCL = 0200;
    static final int O_TRUNC = 01000;
    static final int O_APPEND = 02000;
    static final int O_NONBLOCK = 04000;
    static final int O_DSYNC = 010000;
    static final int O_NOATIME = 01000000;
    static final int O_CLOEXEC = 02000000;

    static final int EFD_NONBLOCK = 04000;
    static final int EFD_CLOEXEC = 02000000;

    static final int CLOCK_MONOTONIC = 1;
    static final int TFD_NONBLOCK = 04000;
    static final int TFD_CLOEXEC = 02000000;
    static final int TFD_TIMER_ABSTIME = 1;

    static final int POLLIN = 0x1;

    /** getrlimit(2) resource: the process's descriptor limit (the same number on x86_64 and aarch64). */
    static final int RLIMIT_NOFILE = 7;

    private Native() { }

    /**
     * @return {@code null} when libc and the syscall table loaded, else why not. Only {@link NativeLoader} calls it:
     *         this class's initialisation is the load, and must wait until descriptors are free
     */
    static Throwable loadError() {
        return LOAD_ERROR;
    }

    static int lastErrno() {
        return RUNTIME.getLastError();
    }

    static String strerror(int errno) {
        if (LIBC == null) {
            return Errno.name(errno);
        }
        try {
            String s = LIBC.strerror(errno);
            return s == null ? Errno.name(errno) : s;
        } catch (Throwable t) {
            return Errno.name(errno);
        }
    }

    static NativeIoException error(String operation) {
        return new NativeIoException(operation, lastErrno());
    }

    static NativeIoException error(String operation, String detail) {
        return new NativeIoException(operation, lastErrno(), detail);
    }

    // ---- Linux AIO ----

    /** io_setup(nr, ctxp): {@code ctxAddress} must hold 0 on entry and receives the context id. */
    static long ioSetup(int nr, long ctxAddress) throws NativeIoException {
        long r = LIBC.syscall(SYSCALLS.ioSetup, nr, ctxAddress);
        if (r < 0) {
            int errno = lastErrno();
            String detail = errno == Errno.EAGAIN
                    ? ioSetupEagain(nr, readProc("/proc/sys/fs/aio-nr"), readProc("/proc/sys/fs/aio-max-nr")) : null;
            throw new NativeIoException("io_setup", errno, detail);
        }
        return r;
    }

    /**
     * What io_setup's EAGAIN means, from the sysctls read right after it: the request alone is larger than
     * {@code fs.aio-max-nr}, or larger than what other contexts leave free, or nothing is free at all, or (the
     * numbers show room now) other contexts held it at the time of the call. Each says what to do.
     *
     * @param nr the events asked for
     * @param aioNr {@code /proc/sys/fs/aio-nr}: events held by every context of every process
     * @param aioMaxNr {@code /proc/sys/fs/aio-max-nr}: the system-wide limit
     */
    static String ioSetupEagain(int nr, String aioNr, String aioMaxNr) {
        String numbers = "/proc/sys/fs/aio-nr = " + aioNr + " in use, /proc/sys/fs/aio-max-nr = " + aioMaxNr;
        long used;
        long max;
        try {
            used = Long.parseLong(aioNr);
            max = Long.parseLong(aioMaxNr);
        } catch (NumberFormatException e) {
            return "asked for " + nr + " events; the system-wide limit fs.aio-max-nr may be exhausted: " + numbers
                    + " (raise it with: sysctl -w fs.aio-max-nr=1048576)";
        }
        long free = Math.max(0, max - used);
        String raise = "raise it with: sysctl -w fs.aio-max-nr=" + Math.max(1048576, used + nr);
        if (nr > max) {
            return "asked for " + nr + " events, more than the system-wide limit fs.aio-max-nr allows for all "
                    + "contexts together: " + numbers + " (ask for at most " + free + ", or " + raise + ")";
        }
        if (free == 0) {
            return "asked for " + nr + " events; the system-wide limit fs.aio-max-nr is exhausted, none are free: "
                    + numbers + " (contexts of this or other processes hold them all; " + raise + ")";
        }
        if (nr > free) {
            return "asked for " + nr + " events, but only " + free + " of fs.aio-max-nr are free: " + numbers
                    + " (ask for at most " + free + ", or " + raise + ")";
        }
        return "asked for " + nr + " events; " + free + " of fs.aio-max-nr are free now, but were not at the call "
                + "(contexts of other processes came and went): " + numbers + " (try again, or " + raise + ")";
    }

    static void ioDestroy(long ctx) throws NativeIoException {
        if (LIBC.syscall(SYSCALLS.ioDestroy, ctx) < 0) {
            throw error("io_destroy");
        }
    }

    /**
     * io_submit. Returns the number accepted; -EAGAIN is returned (not thrown) so the caller can keep the
     * remainder queued, any other failure is thrown and belongs to the first iocb of the batch.
     */
    static int ioSubmit(long ctx, int nr, long iocbpp) throws NativeIoException {
        long r = LIBC.syscall(SYSCALLS.ioSubmit, ctx, nr, iocbpp);
        if (r >= 0) {
            return (int) r;
        }
        int errno = lastErrno();
        if (errno == Errno.EAGAIN) {
            return -Errno.EAGAIN;
        }
        throw new NativeIoException("io_submit", errno);
    }

    /**
     * io_getevents. EINTR is reported as 0 events (the kernel returns it even with SA_RESTART). Called through the
     * seven-argument {@code syscall} overload with a trailing 0: jnr-ffi's fast stub for six integer arguments
     * (number + 5) passed the fifth, the timeout, as an address inside code, so a wait with a timeout never timed
     * out ({@code AioContextTest.shouldReturnNoEventWhenTheTimeoutPasses}).
     */
    static int ioGetevents(long ctx, long minNr, long nr, long events, long timespec) throws NativeIoException {
        long r = LIBC.syscall(SYSCALLS.ioGetevents, ctx, minNr, nr, events, timespec, 0);
        if (r >= 0) {
            return (int) r;
        }
        int errno = lastErrno();
        if (errno == Errno.EINTR) {
            return 0;
        }
        throw new NativeIoException("io_getevents", errno);
    }

    /** io_cancel: returns 0, or the negative errno for EINVAL/EINPROGRESS/EAGAIN; throws for anything else. */
    static int ioCancel(long ctx, long iocb, long result) throws NativeIoException {
        long r = LIBC.syscall(SYSCALLS.ioCancel, ctx, iocb, result);
        if (r >= 0) {
            return 0;
        }
        int errno = lastErrno();
        if (errno == Errno.EINVAL || errno == Errno.EINPROGRESS || errno == Errno.EAGAIN) {
            return -errno;
        }
        throw new NativeIoException("io_cancel", errno);
    }

    // ---- files and descriptors ----

    static int open(String path, int flags, int mode) throws NativeIoException {
        int fd = LIBC.open(path, flags | O_CLOEXEC, mode);
        if (fd < 0) {
            int errno = lastErrno();
            String limit = descriptorLimit(errno);
            throw new NativeIoException("open", errno, "path " + path + (limit == null ? "" : "; " + limit));
        }
        return fd;
    }

    static final int F_SETFL = 4;
    static final int SEEK_END = 2;

    /** fcntl(F_SETFL). */
    static void setStatusFlags(int fd, int flags) throws NativeIoException {
        if (LIBC.fcntl(fd, F_SETFL, flags) < 0) {
            throw error("fcntl", "F_SETFL " + Integer.toOctalString(flags));
        }
    }

    /** lseek(fd, 0, SEEK_END): the size of what the descriptor refers to (a block device's too). */
    static long seekEnd(int fd) throws NativeIoException {
        long r = LIBC.lseek(fd, 0, SEEK_END);
        if (r < 0) {
            throw error("lseek", "SEEK_END");
        }
        return r;
    }

    /** close(2). Never retried on EINTR: on Linux the descriptor is released even then. */
    static void close(int fd) throws NativeIoException {
        if (LIBC.close(fd) < 0) {
            int errno = lastErrno();
            if (errno != Errno.EINTR) {
                throw new NativeIoException("close", errno);
            }
        }
    }

    static int timerfdCreate(int clockid, int flags) throws NativeIoException {
        int fd = LIBC.timerfd_create(clockid, flags);
        if (fd < 0) {
            int errno = lastErrno();
            throw new NativeIoException("timerfd_create", errno, descriptorLimit(errno));
        }
        return fd;
    }

    static void timerfdSettime(int fd, int flags, long newValue) throws NativeIoException {
        if (LIBC.timerfd_settime(fd, flags, newValue, 0) < 0) {
            throw new NativeIoException("timerfd_settime", lastErrno());
        }
    }

    static int eventfd(int initval, int flags) throws NativeIoException {
        int fd = LIBC.eventfd(initval, flags);
        if (fd < 0) {
            int errno = lastErrno();
            throw new NativeIoException("eventfd", errno, descriptorLimit(errno));
        }
        return fd;
    }

    /**
     * For a call that creates a descriptor and failed with EMFILE or ENFILE: which limit was hit and how to raise it;
     * {@code null} for any other errno. Reads nothing from /proc, which would take a descriptor there is none of.
     */
    static String descriptorLimit(int errno) {
        if (errno == Errno.EMFILE) {
            String limits;
            try {
                NativeMemory rlimit = NativeMemory.allocate(16, 8);
                try {
                    limits = LIBC.getrlimit(RLIMIT_NOFILE, rlimit.address()) == 0
                            ? "soft " + rlimit.buffer().getLong(0) + ", hard " + rlimit.buffer().getLong(8)
                            : "unknown";
                } finally {
                    rlimit.free();
                }
            } catch (Throwable t) {
                limits = "unknown";
            }
            return "the process has as many descriptors open as its limit allows (RLIMIT_NOFILE: " + limits
                    + "); close some, or raise the limit with: ulimit -n <n> (up to the hard limit; systemd: "
                    + "LimitNOFILE=)";
        }
        if (errno == Errno.ENFILE) {
            return "the system-wide limit of open files is reached (fs.file-max); raise it with: sysctl -w "
                    + "fs.file-max=<n>";
        }
        return null;
    }

    /** read(2) for non-blocking descriptors: returns -EAGAIN instead of throwing. */
    static long readNonBlocking(String operation, int fd, long buf, long count) throws NativeIoException {
        long r = LIBC.read(fd, buf, count);
        if (r >= 0) {
            return r;
        }
        int errno = lastErrno();
        if (errno == Errno.EAGAIN) {
            return -Errno.EAGAIN;
        }
        throw new NativeIoException(operation, errno);
    }

    /** write(2) for non-blocking descriptors: returns -EAGAIN instead of throwing. */
    static long writeNonBlocking(String operation, int fd, long buf, long count) throws NativeIoException {
        long r = LIBC.write(fd, buf, count);
        if (r >= 0) {
            return r;
        }
        int errno = lastErrno();
        if (errno == Errno.EAGAIN) {
            return -Errno.EAGAIN;
        }
        throw new NativeIoException(operation, errno);
    }

    static long pread(int fd, long buf, long count, long offset) throws NativeIoException {
        while (true) {
            long r = LIBC.pread(fd, buf, count, offset);
            if (r >= 0) {
                return r;
            }
            int errno = lastErrno();
            if (errno != Errno.EINTR) {
                throw new NativeIoException("pread", errno);
            }
        }
    }

    /**
     * preadv2(2): bytes read, or {@code -errno} for EAGAIN and EOPNOTSUPP (what RWF_NOWAIT answers when it would
     * block or cannot), without allocating; other errors are thrown. Retried on EINTR.
     */
    static long preadv2(int fd, long iov, int iovcnt, long offset, int flags) throws NativeIoException {
        while (true) {
            long r = LIBC.preadv2(fd, iov, iovcnt, offset, flags);
            if (r >= 0) {
                return r;
            }
            int errno = lastErrno();
            if (errno == Errno.EAGAIN || errno == Errno.EOPNOTSUPP) {
                return -errno;
            }
            if (errno != Errno.EINTR) {
                throw new NativeIoException("preadv2", errno);
            }
        }
    }

    /**
     * preadv2(2) straight through syscall(2), for the availability probe: glibc's wrapper hides a refused system
     * call (ENOSYS becomes EOPNOTSUPP when flags are given, and a preadv when not). Bytes read, or thrown.
     */
    static long preadv2Syscall(int fd, long iov, int iovcnt, long offset, int flags) throws NativeIoException {
        // (fd, iov, iovcnt, pos_l, pos_h, flags): on 64-bit the whole offset goes in pos_l, and pos_h is ignored
        long r = LIBC.syscall(SYSCALLS.preadv2, fd, iov, iovcnt, offset, 0, flags);
        if (r < 0) {
            throw error("preadv2");
        }
        return r;
    }

    static long pwrite(int fd, long buf, long count, long offset) throws NativeIoException {
        while (true) {
            long r = LIBC.pwrite(fd, buf, count, offset);
            if (r >= 0) {
                return r;
            }
            int errno = lastErrno();
            if (errno != Errno.EINTR) {
                throw new NativeIoException("pwrite", errno);
            }
        }
    }

    /** poll(2): returns the number of ready descriptors, 0 on timeout or EINTR. */
    static int poll(long pollfds, int nfds, int timeoutMillis) throws NativeIoException {
        int r = LIBC.poll(pollfds, nfds, timeoutMillis);
        if (r >= 0) {
            return r;
        }
        int errno = lastErrno();
        if (errno == Errno.EINTR) {
            return 0;
        }
        throw new NativeIoException("poll", errno);
    }

    static void fsync(int fd) throws NativeIoException {
        if (LIBC.fsync(fd) < 0) {
            throw error("fsync");
        }
    }

    static void fdatasync(int fd) throws NativeIoException {
        if (LIBC.fdatasync(fd) < 0) {
            throw error("fdatasync");
        }
    }

    static void ftruncate(int fd, long length) throws NativeIoException {
        if (LIBC.ftruncate(fd, length) < 0) {
            throw error("ftruncate", "length " + length);
        }
    }

    static void fallocate(int fd, int mode, long offset, long length) throws NativeIoException {
        if (LIBC.fallocate(fd, mode, offset, length) < 0) {
            throw error("fallocate", "mode " + mode + ", offset " + offset + ", length " + length);
        }
    }

    static void statx(int fd, int mask, long buf) throws NativeIoException {
        // AT_EMPTY_PATH: stat the descriptor itself
        if (LIBC.statx(fd, "", 0x1000, mask, buf) < 0) {
            throw error("statx");
        }
    }

    /**
     * fstat(2) through syscall(2) (glibc before 2.33 has no fstat symbol to bind), into a {@code struct stat} of
     * 144 (x86_64) or 128 (aarch64) bytes: where statx is refused.
     */
    static void fstat(int fd, long buf) throws NativeIoException {
        if (LIBC.syscall(SYSCALLS.fstat, fd, buf) < 0) {
            throw error("fstat");
        }
    }

    static void fadvise(int fd, long offset, long length, int advice) throws NativeIoException {
        int error = LIBC.posix_fadvise(fd, offset, length, advice);
        if (error != 0) {
            throw new NativeIoException("posix_fadvise", error, "advice " + advice + ", offset " + offset
                    + ", length " + length);
        }
    }

    static long alignedAlloc(long alignment, long size) {
        // aligned_alloc wants size to be a multiple of alignment
        long rounded = (size + alignment - 1) & -alignment;
        long address = LIBC.aligned_alloc(alignment, rounded);
        if (address == 0) {
            throw new OutOfMemoryError("aligned_alloc(" + alignment + ", " + rounded + ") failed");
        }
        return address;
    }

    static void free(long address) {
        LIBC.free(address);
    }

    private static String readProc(String file) {
        try {
            // Not readAllBytes: for a file of size 0 it reads a byte at a time after the first read, and a sysctl
            // read at a non-zero offset returns end of file, so only the first digit came back. One big read.
            return java.nio.file.Files.readAllLines(java.nio.file.Paths.get(file),
                    java.nio.charset.StandardCharsets.US_ASCII).get(0).trim();
        } catch (Exception e) {
            return "unreadable (" + e + ")";
        }
    }

}
