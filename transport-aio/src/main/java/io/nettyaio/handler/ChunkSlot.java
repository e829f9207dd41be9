package io.nettyaio.handler;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.nettyaio.channel.AioBuffers;
import io.nettyaio.channel.AioCompletionHandler;

import java.util.concurrent.RejectedExecutionException;

/**
 * One chunk of a {@link ChunkReadAhead}'s ring: its buffer, where it reads, and the hand-over of its completion to
 * the channel's event loop. A slot serves chunk after chunk and is itself the completion handler and the task that
 * carries a completion over, so a chunk costs its buffer and nothing more. The ring owns the buffer until it is
 * handed out.
 *
 * <p>Touched on the channel's event loop only, but for {@link #completed} and {@link #failed}, which the file's
 * completion loop calls and which go straight to the ring when that is the channel's loop, through {@link #run()}
 * otherwise.
 */
final class ChunkSlot implements AioCompletionHandler<ChunkSlot>, Runnable {
    // Under AioChunkedFile's name: the class whose logging users configure.
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(AioChunkedFile.class);

    private final ChunkReadAhead ring;
    ByteBuf buf;
    /** File position of the buffer's first byte (aligned down for DIRECT). */
    long position;
    /** Leading bytes read only to keep a DIRECT read aligned. */
    int skip;
    /** Bytes from the buffer's start that must be read: skip + the chunk's length. */
    int needed;
    /** The chunk is read in full and {@link #buf} holds exactly its bytes, waiting to be handed out. */
    boolean ready;
    // A completion delivered off the channel's loop, handed over by run(); published by loop.execute.
    private int result;
    private Throwable cause;

    ChunkSlot(ChunkReadAhead ring) {
        this.ring = ring;
    }

    /**
     * Allocates the buffer for the chunk of {@code bytes} bytes at file position {@code first}: widened to whole
     * aligned blocks for a DIRECT file, from the ring's allocator otherwise.
     */
    void prepare(long first, int bytes) {
        int alignment = ring.alignment;
        position = first - first % alignment;
        skip = (int) (first - position);
        needed = skip + bytes;
        if (alignment > 1) {
            int capacity = (needed + alignment - 1) / alignment * alignment;
            buf = AioBuffers.directBuffer(ring.file, capacity);
        } else {
            ByteBufAllocator alloc = ring.allocator();
            buf = alloc.directBuffer(needed, needed);
        }
        ready = false;
    }

    /** Reads into the buffer from its writer index on: the whole chunk, or the rest of it after a short read. */
    void read() {
        ring.file.read(buf, position + buf.writerIndex(), this, this);
    }

    /** Gives the buffer back, if the slot holds one. */
    void release() {
        ready = false;
        if (buf != null) {
            buf.release();
            buf = null;
        }
    }

    @Override
    public void completed(int bytes, ChunkSlot attachment) {
        deliver(bytes, null);
    }

    @Override
    public void failed(Throwable failure, ChunkSlot attachment) {
        deliver(0, failure);
    }

    private void deliver(int bytes, Throwable failure) {
        if (ring.sameLoop) {
            if (!ring.loop.inEventLoop()) {
                ring.countCompletionOffLoop();
            }
            ring.onRead(this, bytes, failure);
            return;
        }
        result = bytes;
        cause = failure;
        try {
            ring.loop.execute(this);
        } catch (RejectedExecutionException e) {
            // The channel's loop is gone, and with it any writer: give the buffer back here.
            logger.debug("{}: event loop rejected a read completion; releasing its chunk", ring.channel, e);
            release();
        }
    }

    /** Brings a completion delivered off the channel's loop to the ring; runs on that loop. */
    @Override
    public void run() {
        Throwable failure = cause;
        cause = null;
        ring.onRead(this, result, failure);
    }
}
