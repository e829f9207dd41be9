package io.nettyaio.channel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.nettyaio.linux.IovecArray;

/**
 * The memory segments of a vectored request, a {@code ByteBuf[]} or a {@link CompositeByteBuf}: the writable regions
 * for a read, the readable regions for a write, in order. Also moves the indices once a request succeeded.
 * Loop thread; allocates nothing.
 */
final class BufferSegments {
    private BufferSegments() { }

    static boolean allAddressable(ByteBuf[] bufs) {
        for (ByteBuf b : bufs) {
            if (!b.hasMemoryAddress()) {
                return false;
            }
        }
        return true;
    }

    static boolean allAddressable(CompositeByteBuf composite) {
        for (int i = 0; i < composite.numComponents(); i++) {
            if (!composite.internalComponent(i).hasMemoryAddress()) {
                return false;
            }
        }
        return true;
    }

    /** Visits (address, length) of each segment in order. */
    interface Visitor {
        /** @return false to stop */
        boolean segment(long address, long length);
    }

    /**
     * Walks the non-empty segments of the region a read fills or a write sends. A segment of a buffer without a
     * memory address is visited with address 0 (such requests are bounced, never handed to the kernel as iovecs).
     */
    static void forEach(ByteBuf buf, ByteBuf[] bufs, boolean read, Visitor visitor) {
        forEachBuffer(buf, bufs, read, (b, index, length) -> visitor.segment(address(b, index), length));
    }

    private static long address(ByteBuf b, int index) {
        return b.hasMemoryAddress() ? b.memoryAddress() + index : 0;
    }

    /** Visits (buffer, index, length) of each segment in order. */
    interface BufferVisitor {
        /** @return false to stop */
        boolean segment(ByteBuf buffer, int index, int length);
    }

    /** Walks the non-empty segments as buffer regions (for blocking I/O, which needs no memory address). */
    static void forEachBuffer(ByteBuf buf, ByteBuf[] bufs, boolean read, BufferVisitor visitor) {
        if (bufs == null && !(buf instanceof CompositeByteBuf)) {
            int index = read ? buf.writerIndex() : buf.readerIndex();
            int len = read ? buf.writableBytes() : buf.readableBytes();
            if (len > 0) {
                visitor.segment(buf, index, len);
            }
            return;
        }
        if (bufs != null) {
            for (ByteBuf b : bufs) {
                int len = read ? b.writableBytes() : b.readableBytes();
                if (len > 0 && !visitor.segment(b, read ? b.writerIndex() : b.readerIndex(), len)) {
                    return;
                }
            }
            return;
        }
        CompositeByteBuf c = (CompositeByteBuf) buf;
        int start = read ? c.writerIndex() : c.readerIndex();
        int end = read ? c.capacity() : c.writerIndex();
        for (int i = 0; i < c.numComponents() && start < end; i++) {
            int compStart = c.toByteIndex(i);
            ByteBuf comp = c.internalComponent(i);
            int compEnd = compStart + comp.readableBytes();
            if (compEnd <= start) {
                continue;
            }
            int from = Math.max(start, compStart);
            int to = Math.min(end, compEnd);
            if (to > from && !visitor.segment(comp, comp.readerIndex() + (from - compStart), to - from)) {
                return;
            }
        }
    }

    /** Counts the non-empty segments. */
    static int count(ByteBuf buf, ByteBuf[] bufs, boolean read) {
        int[] n = {0};
        forEach(buf, bufs, read, (a, l) -> {
            n[0]++;
            return true;
        });
        return n[0];
    }

    /** Fills {@code iov} with the segments, skipping the first {@code skip} bytes; returns the segment count. */
    static int fill(IovecArray iov, ByteBuf buf, ByteBuf[] bufs, boolean read, long skip) {
        Filler f = new Filler(iov, skip);
        forEach(buf, bufs, read, f);
        return f.count;
    }

    private static final class Filler implements Visitor {
        final IovecArray iov;
        long skip;
        int count;

        Filler(IovecArray iov, long skip) {
            this.iov = iov;
            this.skip = skip;
        }

        @Override
        public boolean segment(long address, long length) {
            if (skip >= length) {
                skip -= length;
                return true;
            }
            iov.set(count++, address + skip, length - skip);
            skip = 0;
            return true;
        }
    }

    /** A read of {@code n} bytes succeeded: copy from the bounce buffer if any, and move writer indices. */
    static void advanceWriters(ByteBuf buf, ByteBuf[] bufs, ByteBuf bounce, long n) {
        if (bufs == null) {
            if (bounce != null) {
                buf.writeBytes(bounce, 0, (int) n);
            } else {
                buf.writerIndex(buf.writerIndex() + (int) n);
            }
            return;
        }
        long left = n;
        int bounceIndex = 0;
        for (ByteBuf b : bufs) {
            if (left == 0) {
                break;
            }
            int k = (int) Math.min(left, b.writableBytes());
            if (bounce != null) {
                b.writeBytes(bounce, bounceIndex, k);
                bounceIndex += k;
            } else {
                b.writerIndex(b.writerIndex() + k);
            }
            left -= k;
        }
    }

    /** A write of {@code n} bytes (all that was readable) succeeded: move reader indices. */
    static void advanceReaders(ByteBuf buf, ByteBuf[] bufs, long n) {
        if (bufs == null) {
            buf.readerIndex(buf.readerIndex() + (int) n);
            return;
        }
        for (ByteBuf b : bufs) {
            b.readerIndex(b.writerIndex());
        }
    }
}
