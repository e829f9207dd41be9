package io.nettyaio.channel;

import io.netty.buffer.ByteBuf;
import io.nettyaio.linux.AioAbi;
import io.nettyaio.linux.DioAlignment;
import io.nettyaio.linux.IovecArray;
import io.nettyaio.linux.NativeFile;

import java.io.IOException;

/** {@link FileIo} over a native descriptor: the one AIO requests use, and pread/pwrite for blocking threads. */
final class NativeFileIo implements FileIo {
    private final NativeFile file;

    NativeFileIo(NativeFile file) {
        this.file = file;
    }

    /** preadv2 with RWF_NOWAIT into one segment; see {@link NativeFile#preadv2}. */
    long readCached(IovecArray iov, long address, long length, long position) throws IOException {
        iov.set(0, address, length);
        return file.preadv2(iov, 1, position, AioAbi.RWF_NOWAIT);
    }

    DioAlignment dioAlignment() throws IOException {
        return file.dioAlignment();
    }

    @Override
    public int fd() {
        return file.fd();
    }

    @Override
    public boolean isDirectory() throws IOException {
        return file.isDirectory();
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
