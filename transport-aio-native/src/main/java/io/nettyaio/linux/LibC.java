package io.nettyaio.linux;

import jnr.ffi.annotations.IgnoreError;

/**
 * Holder of the jnr-ffi binding of the few libc entry points this module uses. Nothing outside this package sees
 * it: jnr-ffi generates its implementation in another class loader, so the interface itself must be public, and it
 * is kept out of reach by nesting it in this package-private class.
 *
 * <p>Every argument is a primitive so that jnr-ffi generates its fast native stubs; addresses are {@code long}s,
 * never {@code Pointer}s. The {@code syscall} overloads of different arity all bind to glibc's variadic
 * {@code syscall(2)}, which on the supported architectures only moves registers. glibc's wrappers return -1 and
 * set errno, which jnr-ffi saves per thread unless {@link IgnoreError} says the result already carries the error.
 */
final class LibC {
    private LibC() { }

    /** The functions; see the class comment. */
    public interface Functions {
        long syscall(long number);

        long syscall(long number, long a1);

        long syscall(long number, long a1, long a2);

        long syscall(long number, long a1, long a2, long a3);

        long syscall(long number, long a1, long a2, long a3, long a4);

        // No overload with five arguments: jnr-ffi's fast stub for six integer arguments passed a5 wrong here (an
        // address inside code reached the kernel as io_getevents's timeout). Five go through the next one, a6 = 0.

        /** Seven integer arguments leave jnr-ffi's fast stubs, and every argument arrives (preadv2, io_getevents). */
        long syscall(long number, long a1, long a2, long a3, long a4, long a5, long a6);

        int open(String path, int flags, int mode);

        int close(int fd);

        long read(int fd, long buf, long count);

        long write(int fd, long buf, long count);

        long pread(int fd, long buf, long count, long offset);

        long pwrite(int fd, long buf, long count, long offset);

        long preadv2(int fd, long iov, int iovcnt, long offset, int flags);

        int poll(long fds, long nfds, int timeoutMillis);

        int eventfd(int initval, int flags);

        int timerfd_create(int clockid, int flags);

        int timerfd_settime(int fd, int flags, long newValue, long oldValue);

        int fsync(int fd);

        int fdatasync(int fd);

        int ftruncate(int fd, long length);

        int fallocate(int fd, int mode, long offset, long length);

        int statx(int dirfd, String path, int flags, int mask, long statxBuf);

        int getrlimit(int resource, long rlimit);

        int fcntl(int fd, int cmd, int arg);

        long lseek(int fd, long offset, int whence);

        /** Returns the error number itself (0 on success) and leaves errno alone. */
        @IgnoreError
        int posix_fadvise(int fd, long offset, long length, int advice);

        @IgnoreError
        long aligned_alloc(long alignment, long size);

        @IgnoreError
        void free(long address);

        @IgnoreError
        String strerror(int errno);
    }
}
