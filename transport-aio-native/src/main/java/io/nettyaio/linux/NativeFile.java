package io.nettyaio.linux;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An open file descriptor with the synchronous file system calls an AIO user needs around its requests: size,
 * O_DIRECT alignment (statx), fallocate, ftruncate, fsync, fdatasync, and positional read/write for tests and
 * fallbacks.
 *
 * <p>Where {@code statx} is refused (ENOSYS, or EPERM from seccomp profiles older than the call), size and type come
 * from {@code fstat} instead, and the O_DIRECT alignment is not reported; the first refusal is remembered for the
 * process ({@link #statxUnavailabilityCause()}).
 *
 * <p>Thread-safe except for {@link #close()}, which the owner must call only once no request on the descriptor is
 * in flight (the kernel would keep the file open anyway, but a reused descriptor number would be confused).
 */
public final class NativeFile implements AutoCloseable {
    static final int STATX_TYPE = 0x1;
    static final int STATX_MODE = 0x2;
    static final int STATX_SIZE = 0x200;
    static final int STATX_DIOALIGN = 0x2000;
    private static final int STATX_BUF_SIZE = 256;
    private static final int STAT_SIZE_OFFSET = 48;

    /** fallocate mode: keep the file size (reserve blocks past EOF). */
    public static final int FALLOC_FL_KEEP_SIZE = 0x01;
    /** fallocate mode: deallocate (with KEEP_SIZE). */
    public static final int FALLOC_FL_PUNCH_HOLE = 0x02;
    /** fallocate mode: zero the range. */
    public static final int FALLOC_FL_ZERO_RANGE = 0x10;

    /** posix_fadvise: no advice. */
    public static final int POSIX_FADV_NORMAL = 0;
    /** posix_fadvise: random access; readahead off. */
    public static final int POSIX_FADV_RANDOM = 1;
    /** posix_fadvise: sequential access; larger readahead. */
    public static final int POSIX_FADV_SEQUENTIAL = 2;
    /** posix_fadvise: start reading the range into the page cache. */
    public static final int POSIX_FADV_WILLNEED = 3;
    /** posix_fadvise: drop the range's clean pages from the page cache. */
    public static final int POSIX_FADV_DONTNEED = 4;

    /** statx answered ENOSYS or EPERM in this process: use fstat. */
    private static volatile NativeIoException statxRefusal;

    private final String path;
    private final int fd;
    private final int flags;
    private final AtomicBoolean closed = new AtomicBoolean();

    private NativeFile(String path, int fd, int flags) {
        this.path = path;
        this.fd = fd;
        this.flags = flags;
    }

    /**
     * Opens a file.
     *
     * @param path the path
     * @param flags {@link OpenFlags} values combined with {@code |}; {@code O_CLOEXEC} is added
     * @param mode permission bits when the file is created, e.g. {@code 0644}
     * @return the open file; the caller owns it and must close it
     * @throws NativeIoException when open(2) fails (ENOENT, EACCES, EISDIR, EINVAL for O_DIRECT on a filesystem
     *                           that refuses it, ...); the message names the path
     */
    public static NativeFile open(String path, int flags, int mode) throws NativeIoException {
        if (path == null) {
            throw new NullPointerException("path");
        }
        NativeLoader.ensureLoaded();
        int fd = Native.open(path, flags, mode);
        NativeResources.FILES.incrementAndGet();
        return new NativeFile(path, fd, flags);
    }

    /** @return the descriptor */
    public int fd() {
        return fd;
    }

    /** @return the path it was opened with */
    public String path() {
        return path;
    }

    /** @return the flags it was opened with (without O_CLOEXEC) */
    public int flags() {
        return flags;
    }

    /** @return whether it was opened with O_DIRECT */
    public boolean isDirect() {
        return OpenFlags.DIRECT != 0 && (flags & OpenFlags.DIRECT) != 0;
    }

    /** @return whether it is open for reading (O_RDONLY or O_RDWR) */
    public boolean isReadable() {
        return (flags & 3) == OpenFlags.RDONLY || (flags & 3) == OpenFlags.RDWR;
    }

    /** @return whether it is open for writing (O_WRONLY or O_RDWR) */
    public boolean isWritable() {
        return (flags & 3) == OpenFlags.WRONLY || (flags & 3) == OpenFlags.RDWR;
    }

    /**
     * @return why {@code statx} cannot be used in this process (a {@link NativeIoException} with ENOSYS or EPERM),
     *         or {@code null} while no call was refused
     */
    public static Throwable statxUnavailabilityCause() {
        return statxRefusal;
    }

    /**
     * @return the file size in bytes (statx, or fstat where statx is refused); for a block device, the device's
     *         size (statx says 0 there)
     * @throws NativeIoException when statx fails
     */
    public long size() throws NativeIoException {
        long size = stat(STATX_SIZE, 40);
        // Not lseek alone: it moves the file offset, which a caller of read(2) on this descriptor would see
        return size == 0 && type() == FileType.BLOCK_DEVICE ? Native.seekEnd(fd) : size;
    }

    /**
     * @return what the descriptor refers to (statx)
     * @throws NativeIoException when statx fails
     */
    public FileType type() throws NativeIoException {
        return FileType.ofMode(mode());
    }

    /**
     * Replaces the status flags of the open file description in one call ({@code fcntl F_SETFL}, no F_GETFL first):
     * the kernel takes only O_APPEND, O_DIRECT, O_NOATIME, O_NONBLOCK and O_ASYNC from {@code flags} and ignores the
     * access mode and creation flags, so passing the flags the file was opened with, without
     * {@link OpenFlags#NONBLOCK}, clears O_NONBLOCK and keeps the rest as opened.
     *
     * @param flags the open(2) flags the status flags are taken from
     * @throws NativeIoException when fcntl fails
     */
    public void setStatusFlags(int flags) throws NativeIoException {
        Native.setStatusFlags(fd, flags);
    }

    /**
     * @return whether the descriptor refers to a regular file
     * @throws NativeIoException when statx fails
     */
    public boolean isRegularFile() throws NativeIoException {
        return type() == FileType.REGULAR;
    }

    /**
     * @return whether the descriptor refers to a directory
     * @throws NativeIoException when statx fails
     */
    public boolean isDirectory() throws NativeIoException {
        return type() == FileType.DIRECTORY;
    }

    private int mode() throws NativeIoException {
        return (int) stat(STATX_TYPE | STATX_MODE, -28) & 0xffff;
    }

    /**
     * The O_DIRECT alignment the kernel reports for this file (statx {@code STATX_DIOALIGN}).
     *
     * @return the alignment; {@link DioAlignment#isReported()} is false on tmpfs, FUSE and other filesystems
     *         that report nothing, and on kernels before 6.1
     * @throws NativeIoException when statx fails
     */
    public DioAlignment dioAlignment() throws NativeIoException {
        NativeMemory buf = NativeMemory.allocate(STATX_BUF_SIZE, 64);
        try {
            if (!statx(STATX_DIOALIGN, buf.address())) {
                return new DioAlignment(0, 0); // fstat knows nothing of it
            }
            ByteBuffer b = buf.buffer();
            if ((b.getInt(0) & STATX_DIOALIGN) == 0) {
                return new DioAlignment(0, 0);
            }
            return new DioAlignment(b.getInt(152), b.getInt(156));
        } finally {
            buf.free();
        }
    }

    /**
     * Reads a statx field: a positive offset is a u64 at that offset, a negative one a u16 at -offset (the size or
     * the mode; where statx is refused, the same field of fstat's {@code struct stat}).
     */
    private long stat(int mask, int offset) throws NativeIoException {
        NativeMemory buf = NativeMemory.allocate(STATX_BUF_SIZE, 64);
        try {
            if (statx(mask, buf.address())) {
                return offset >= 0 ? buf.buffer().getLong(offset) : buf.buffer().getShort(-offset);
            }
            Native.fstat(fd, buf.address());
            return mask == STATX_SIZE ? buf.buffer().getLong(STAT_SIZE_OFFSET)
                    : buf.buffer().getInt(Native.SYSCALLS.statModeOffset) & 0xffff;
        } finally {
            buf.free();
        }
    }

    /** @return whether statx filled {@code buf}; false where it is refused (remembered for the process) */
    private boolean statx(int mask, long buf) throws NativeIoException {
        if (statxRefusal != null) {
            return false;
        }
        try {
            Native.statx(fd, mask, buf);
            return true;
        } catch (NativeIoException e) {
            if (!LinuxAio.isRefused(e)) {
                throw e;
            }
            statxRefusal = e;
            return false;
        }
    }

    /**
     * {@code fallocate(2)}.
     *
     * @param mode 0 (allocate and extend), or {@code FALLOC_FL_*} flags
     * @param offset first byte
     * @param length bytes
     * @throws NativeIoException on failure (EOPNOTSUPP where the filesystem cannot, ENOSPC, ...)
     */
    public void allocate(int mode, long offset, long length) throws NativeIoException {
        Native.fallocate(fd, mode, offset, length);
    }

    /**
     * {@code posix_fadvise(2)}: tells the kernel how the range will be used, e.g. {@link #POSIX_FADV_DONTNEED} to
     * drop its clean pages from the page cache (dirty pages stay: fsync first).
     *
     * @param offset first byte
     * @param length bytes; 0 means to the end of the file
     * @param advice one of the {@code POSIX_FADV_*} values
     * @throws NativeIoException on failure (EINVAL for an unknown advice, ESPIPE for a pipe)
     */
    public void advise(long offset, long length, int advice) throws NativeIoException {
        Native.fadvise(fd, offset, length, advice);
    }

    /**
     * {@code ftruncate(2)}: sets the size, extending with a hole or cutting.
     *
     * @param length the new size
     * @throws NativeIoException on failure
     */
    public void truncate(long length) throws NativeIoException {
        Native.ftruncate(fd, length);
    }

    /**
     * {@code fsync(2)}, synchronously.
     *
     * @throws NativeIoException on failure (EIO: data written earlier may be lost)
     */
    public void fsync() throws NativeIoException {
        Native.fsync(fd);
    }

    /**
     * {@code fdatasync(2)}, synchronously.
     *
     * @throws NativeIoException on failure
     */
    public void fdatasync() throws NativeIoException {
        Native.fdatasync(fd);
    }

    /**
     * {@code pread(2)}, synchronously (retried on EINTR). The memory must stay valid during the call.
     *
     * @param address where the bytes go
     * @param length bytes to read at most
     * @param offset the file position
     * @return bytes read, 0 at end of file
     * @throws NativeIoException on failure
     */
    public long pread(long address, long length, long offset) throws NativeIoException {
        return Native.pread(fd, address, length, offset);
    }

    /**
     * {@code preadv2(2)} with per-call flags, synchronously: with {@link AioAbi#RWF_NOWAIT} it reads only what the
     * page cache holds and answers {@code -EAGAIN} (nothing cached at {@code offset}) or {@code -EOPNOTSUPP} (the
     * file cannot do NOWAIT) instead of waiting for the device. A short count means part of the range was cached.
     * Allocates nothing.
     *
     * @param iov the segments to fill
     * @param iovCount how many of them
     * @param offset the file position
     * @param rwFlags {@code RWF_*} flags
     * @return bytes read (0 at end of file), or {@code -Errno.EAGAIN} / {@code -Errno.EOPNOTSUPP}
     * @throws NativeIoException for any other error
     */
    public long preadv2(IovecArray iov, int iovCount, long offset, int rwFlags) throws NativeIoException {
        return Native.preadv2(fd, iov.address(), iovCount, offset, rwFlags);
    }

    /**
     * {@code pwrite(2)}, synchronously (retried on EINTR); may write fewer bytes than asked.
     *
     * @param address where the bytes come from
     * @param length bytes to write
     * @param offset the file position
     * @return bytes written
     * @throws NativeIoException on failure
     */
    public long pwrite(long address, long length, long offset) throws NativeIoException {
        return Native.pwrite(fd, address, length, offset);
    }

    /** @return whether {@link #close()} was called */
    public boolean isClosed() {
        return closed.get();
    }

    /**
     * Closes the descriptor. Idempotent.
     *
     * @throws NativeIoException when close(2) reports an error (the descriptor is released anyway)
     */
    @Override
    public void close() throws NativeIoException {
        if (closed.compareAndSet(false, true)) {
            NativeResources.FILES.decrementAndGet();
            Native.close(fd);
        }
    }

    @Override
    public String toString() {
        return "NativeFile(" + path + ", fd " + fd + ")";
    }
}
