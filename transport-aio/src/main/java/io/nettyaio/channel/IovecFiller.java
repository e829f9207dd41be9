package io.nettyaio.channel;

import io.netty.buffer.ByteBuf;
import io.nettyaio.linux.IovecArray;

/**
 * Writes what remains of a vectored request into an iovec array: one iovec per segment, skipping the bytes the
 * request already transferred. One per engine, reused; loop thread only.
 */
final class IovecFiller implements BufferSegments.Visitor {
    private IovecArray target;
    private long skip;
    private int count;

    /** @return how many iovecs were written */
    int fill(IovecArray iov, IoRequest r) {
        target = iov;
        skip = r.done();
        count = 0;
        try {
            BufferSegments.forEach(r.buf(), r.bufs(), r.isRead(), this);
        } finally {
            target = null;
        }
        return count;
    }

    @Override
    public boolean segment(ByteBuf b, int index, int length) {
        if (skip >= length) {
            skip -= length;
            return true;
        }
        target.set(count++, b.memoryAddress() + index + skip, length - skip);
        skip = 0;
        return true;
    }
}
