package io.nettyaio.channel;

import io.netty.buffer.ByteBuf;
import io.nettyaio.linux.AioAbi;
import io.nettyaio.linux.DioAlignment;
import io.nettyaio.linux.Errno;
import io.nettyaio.linux.FileType;
import io.nettyaio.linux.IovecArray;
import io.nettyaio.linux.NativeFile;
import io.nettyaio.linux.NativeIoException;
import io.nettyaio.linux.OpenFlags;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/** {@link FileIo} over a native descriptor: the one kernel requests use, and pread/pwrite for blocking threads. */
final class NativeFileIo implements FileIo {
    private static final AtomicBoolean STATX_REFUSAL_REPORTED = new AtomicBoolean();
    private final NativeFile file;
    private final boolean directory;

    private NativeFileIo(NativeFile file, boolean directory) {
        this.file = file;
        this.directory = directory;
    }

    /**
     * Opens with O_NONBLOCK, so that whatever the path is, the open cannot wait (a FIFO would, for its other end),
     * then refuses what is not a regular file, a directory (refused by the opener) or a block device, and sets the
     * status flags as asked, without O_NONBLOCK (io_uring, for one, answers EAGAIN on descriptors that have it). A
     * FIFO without a reader or a socket fails the open with ENXIO: that is reported as the type it is. Three system
     * calls: open, statx, fcntl.
     */
    static NativeFileIo open(Path path, OpenOptions options) throws IOException {
        NativeFile file;
        try {
            file = NativeFile.open(path.toString(), options.nativeFlags() | OpenFlags.NONBLOCK, 0644);
        } catch (NativeIoException e) {
            if (options.direct && e.errno() == Errno.EINVAL) {
                throw new NativeIoException("open", e.errno(), "path " + path + "; "
                        + FileOpener.directUnsupported(path));
            }
            if (e.errno() == Errno.ENXIO) {
                FileOpener.checkType(path);
            }
            throw e;
        }
        boolean success = false;
        try {
            FileType type = file.type();
            reportStatxRefusal();
            if (type != FileType.REGULAR && type != FileType.DIRECTORY && type != FileType.BLOCK_DEVICE) {
                throw FileOpener.unsupportedType(path, type);
            }
            file.setStatusFlags(options.nativeFlags());
            int advice = options.accessAdvice();
            if (advice != NativeFile.POSIX_FADV_NORMAL && type != FileType.DIRECTORY) {
                try {
                    file.advise(0, 0, advice);
                } catch (NativeIoException e) {
                    throw new IOException(path + ": cannot apply " + options.access + ": " + e.getMessage(), e);
                }
            }
            success = true;
            return new NativeFileIo(file, type == FileType.DIRECTORY);
        } finally {
            if (!success) {
                file.close();
            }
        }
    }

    private static void reportStatxRefusal() {
        Throwable statxRefused = NativeFile.statxUnavailabilityCause();
        if (statxRefused != null && STATX_REFUSAL_REPORTED.compareAndSet(false, true)) {
            Degradations.report(Degradations.STATX, null, statxRefused);
        }
    }

    /** @return the descriptor kernel requests are submitted on */
    int fd() {
        return file.fd();
    }

    /** preadv2 with RWF_NOWAIT into one segment; see {@link NativeFile#preadv2}. */
    long readCached(IovecArray iov, long address, long length, long position) throws IOException {
        iov.set(0, address, length);
        return file.preadv2(iov, 1, position, AioAbi.RWF_NOWAIT);
    }

    @Override
    public int[] directAlignment() throws IOException {
        DioAlignment alignment = file.dioAlignment();
        return alignment.isReported() ? new int[]{alignment.memoryAlignment(), alignment.offsetAlignment()} : null;
    }

    /** As the type read at open found it (no system call); a statx refusal was reported there, once. */
    @Override
    public boolean isDirectory() {
        return directory;
    }

    @Override
    public long size() throws IOException {
        return file.size();
    }

    @Override
    public long read(ByteBuf segment, int index, int length, long position) throws IOException {
        return file.pread(segment.memoryAddress() + index, length, position);
    }

    @Override
    public long write(ByteBuf segment, int index, int length, long position) throws IOException {
        return file.pwrite(segment.memoryAddress() + index, length, position);
    }

    @Override
    public void sync(boolean metadata) throws IOException {
        if (metadata) {
            file.fsync();
        } else {
            file.fdatasync();
        }
    }

    @Override
    public void truncate(long size) throws IOException {
        file.truncate(size);
    }

    /**
     * Reserves without touching the size, then extends it: ext4 grows the size as it allocates, so a plain fallocate
     * that ran out of space (ENOSPC) left the file longer, by what it had got. The size is extended by a mode-0
     * fallocate of the last byte, whose block is reserved by then: the kernel sets max(size, end) atomically, which
     * an ftruncate, racing writes past the end of the file, would not. File systems that reserve only by extending
     * (KEEP_SIZE refused with EOPNOTSUPP) get the plain fallocate.
     */
    @Override
    public void allocate(long position, long length) throws IOException {
        try {
            file.allocate(NativeFile.FALLOC_FL_KEEP_SIZE, position, length);
        } catch (NativeIoException e) {
            if (e.errno() != Errno.EOPNOTSUPP) {
                throw e;
            }
            file.allocate(0, position, length);
            return;
        }
        file.allocate(0, position + length - 1, 1);
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
