package io.nettyaio.channel;

import io.netty.buffer.ByteBuf;
import io.nettyaio.linux.AioAbi;
import io.nettyaio.linux.DioAlignment;
import io.nettyaio.linux.IovecArray;
import io.nettyaio.linux.NativeFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/** {@link FileIo} over a native descriptor: the one kernel requests use, and pread/pwrite for blocking threads. */
final class NativeFileIo implements FileIo {
    private static final AtomicBoolean STATX_REFUSAL_REPORTED = new AtomicBoolean();
    private final NativeFile file;

    private NativeFileIo(NativeFile file) {
        this.file = file;
    }

    static NativeFileIo open(Path path, OpenOptions options) throws IOException {
        return new NativeFileIo(NativeFile.open(path.toString(), options.nativeFlags(), 0644));
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

    /** The first call on every file opened (FileOpener): where statx turns out refused, say so once. */
    @Override
    public boolean isDirectory() throws IOException {
        boolean directory = file.isDirectory();
        Throwable statxRefused = NativeFile.statxUnavailabilityCause();
        if (statxRefused != null && STATX_REFUSAL_REPORTED.compareAndSet(false, true)) {
            Degradations.report(Degradations.STATX, null, statxRefused);
        }
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

    @Override
    public void allocate(long position, long length) throws IOException {
        file.allocate(0, position, length);
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
