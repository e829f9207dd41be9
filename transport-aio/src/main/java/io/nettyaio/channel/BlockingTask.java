package io.nettyaio.channel;

import io.netty.buffer.ByteBuf;
import io.nettyaio.linux.AioAbi;
import io.nettyaio.linux.NativeIoException;

import java.io.IOException;

/**
 * Carries one request to a blocking thread, does what remains of it there with the file's {@link FileIo}, and hands
 * the result back to its {@link BlockingLane}. Pooled by the lane: one per request running at a time.
 */
final class BlockingTask implements Runnable, BufferSegments.Visitor {
    private final BlockingLane lane;
    /** Set by the lane on the loop before the hand-over; read back by the lane after it (the executor orders). */
    IoRequest request;
    long result;
    Throwable error;
    // the segment walk of one transfer
    private FileIo io;
    private boolean read;
    private long skip;
    private long filePosition;
    private long total;
    private IOException segmentError;

    BlockingTask(BlockingLane lane) {
        this.lane = lane;
    }

    @Override
    public void run() {
        IoRequest r = request;
        short previousPriority = 0;
        boolean prioritySet = false;
        try {
            if (r.ioPriority() != 0) {
                previousPriority = ThreadIoPriority.set(r.ioPriority());
                prioritySet = true;
            }
            result = perform(r);
        } catch (IOException e) {
            error = r.failure(e); // the call that failed, the file and the position
        } catch (Throwable t) {
            error = t;
        } finally {
            if (prioritySet) {
                ThreadIoPriority.restore(previousPriority);
            }
        }
        lane.handBack(this);
    }

    private long perform(IoRequest r) throws IOException {
        FileIo fileIo = r.file().io();
        switch (r.kind()) {
            case IoRequest.FSYNC:
            case IoRequest.FDATASYNC:
                fileIo.sync(r.kind() == IoRequest.FSYNC);
                return 0;
            case IoRequest.TRUNCATE:
                fileIo.truncate(r.offset());
                return 0;
            case IoRequest.ALLOCATE:
                fileIo.allocate(r.offset(), r.remaining());
                return 0;
            default:
                break;
        }
        long n = transfer(r, fileIo);
        if (n > 0 && (r.rwFlags() & AioAbi.RWF_DSYNC) != 0) {
            // the thread's write has no RWF_DSYNC: a sync after it keeps the promise's meaning
            fileIo.sync((r.rwFlags() & AioAbi.RWF_SYNC) != 0);
        }
        return n;
    }

    private long transfer(IoRequest r, FileIo fileIo) throws IOException {
        ByteBuf bounce = r.bounceBuffer();
        if (bounce != null) {
            int index = (int) r.done();
            int len = (int) r.remaining();
            return r.isRead() ? fileIo.read(bounce, index, len, r.offset())
                    : fileIo.write(bounce, index, len, r.offset());
        }
        io = fileIo;
        read = r.isRead();
        skip = r.done();
        filePosition = r.offset();
        total = 0;
        segmentError = null;
        try {
            BufferSegments.forEach(r.buf(), r.bufs(), read, this);
            if (segmentError != null && total == 0) {
                throw segmentError;
            }
            return total;
        } finally {
            io = null;
            segmentError = null;
        }
    }

    /** Reads or writes segment after segment until one comes up short or fails. */
    @Override
    public boolean segment(ByteBuf b, int index, int length) {
        if (skip >= length) {
            skip -= length;
            return true;
        }
        int from = index + (int) skip;
        int len = length - (int) skip;
        skip = 0;
        long n;
        try {
            n = read ? io.read(b, from, len, filePosition + total) : io.write(b, from, len, filePosition + total);
        } catch (IOException e) {
            segmentError = e;
            return false;
        }
        total += n;
        return n == len;
    }
}
