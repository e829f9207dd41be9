package io.nettyaio.handler;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.nettyaio.channel.AioFileChannel;

import java.io.EOFException;

/**
 * The reads ahead of an {@link AioChunkedFile}'s writer: a ring of {@link ChunkSlot}s, chunk {@code i} of the range
 * in {@code slots[i % readahead]} from the start of its read until it is handed out. It starts reads while the ring
 * has room, continues short reads, tells a file that ends inside the range from a short read, and reports to its
 * {@link Listener} when the chunk next to hand out is ready or the transfer must fail. It owns every buffer in its
 * slots; a chunk {@link #take() taken} belongs to the caller.
 *
 * <p>Touched on the channel's event loop only, but for {@link #completionsOffLoop()}; a completion delivered on
 * another thread reaches it through its slot, which carries it over to that loop.
 */
final class ChunkReadAhead {
    /** What the reads report to their owner; called on the channel's event loop. */
    interface Listener {
        /** The chunk next to hand out has been read in full: {@link ChunkReadAhead#take()} returns it. */
        void nextChunkReady();

        /**
         * A read failed, or the file ended inside the range ({@link EOFException}): the read-ahead has stopped (see
         * {@link ChunkReadAhead#stop()}) and released every chunk it held but those still being read.
         */
        void readFailed(Throwable cause);

        /** A read still in flight when the read-ahead stopped has ended, and its chunk is released. */
        void readEndedAfterStop();
    }

    // Fixed at construction; the slots read them too.
    final Channel channel;
    final EventLoop loop;
    final AioFileChannel file;
    final int alignment;
    /** Whether the file's reads complete on the channel's own loop, so completions need no hand-over. */
    final boolean sameLoop;

    private final long offset;
    private final long length;
    private final int chunkSize;
    private final ByteBufAllocator allocator;
    private final ChunkSlot[] slots;
    private final long chunkCount;
    private final Listener listener;

    // Everything below but completionsOffLoop is touched on the channel's event loop only.
    private long handedOut;
    private long issued;
    private int inFlight;
    private boolean stopped;
    private volatile int completionsOffLoop;

    /**
     * @param channel the channel the chunks go to; its event loop runs the reads' outcomes
     * @param file the file to read; closing it is the owner's business
     * @param offset the range's first byte
     * @param length the range's length
     * @param chunkSize bytes per chunk (and per read)
     * @param readahead how many chunks to keep read or being read ahead of the writer
     * @param allocator where a buffered file's chunks come from; {@code null} for the channel's allocator
     * @param listener told of ready chunks and failures
     */
    ChunkReadAhead(Channel channel, AioFileChannel file, long offset, long length, int chunkSize, int readahead,
                   ByteBufAllocator allocator, Listener listener) {
        this.channel = channel;
        this.loop = channel.eventLoop();
        this.file = file;
        this.alignment = file.isDirect() ? file.alignment() : 1;
        this.sameLoop = file.completionLoop() == loop;
        this.offset = offset;
        this.length = length;
        this.chunkSize = chunkSize;
        this.allocator = allocator;
        this.chunkCount = (length + chunkSize - 1) / chunkSize;
        this.listener = listener;
        this.slots = new ChunkSlot[readahead];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = new ChunkSlot(this);
        }
    }

    /** @return how many chunks are kept read or being read ahead of the writer */
    int readahead() {
        return slots.length;
    }

    /** @return whether every chunk of the range has been handed out */
    boolean allHandedOut() {
        return handedOut == chunkCount;
    }

    /** @return chunks read or being read and not yet handed out */
    int chunksAhead() {
        return (int) (issued - handedOut);
    }

    /** @return reads in flight, counting those that ended on another thread and wait for the hand-over */
    int inFlight() {
        return inFlight;
    }

    /** @return read completions delivered on a thread other than the channel's loop; any thread */
    int completionsOffLoop() {
        return completionsOffLoop;
    }

    /** Starts reads until the ring is full or every chunk has been asked for; nothing once stopped. */
    void startReads() {
        while (!stopped && issued < chunkCount && issued - handedOut < slots.length) {
            long first = offset + issued * chunkSize;
            int bytes = (int) Math.min(chunkSize, offset + length - first);
            ChunkSlot slot = slots[(int) (issued % slots.length)];
            slot.prepare(first, bytes);
            issued++;
            inFlight++;
            slot.read();
        }
    }

    /**
     * @return the next chunk, owned by the caller from now on, if its read has completed; {@code null} while it is
     *         in flight (the {@link Listener} hears when it is ready)
     */
    ByteBuf take() {
        ChunkSlot slot = slots[(int) (handedOut % slots.length)];
        if (!slot.ready) {
            return null;
        }
        ByteBuf chunk = slot.buf;
        slot.buf = null;
        slot.ready = false;
        handedOut++;
        return chunk;
    }

    /**
     * Starts no more reads and releases the chunks read and not handed out; a read in flight releases its chunk
     * when it ends ({@link Listener#readEndedAfterStop()}). Idempotent.
     */
    void stop() {
        stopped = true;
        for (ChunkSlot slot : slots) {
            if (slot.ready) {
                slot.release();
            }
        }
    }

    /** The buffered file's allocator: the one given, or the channel's at the time of the call. */
    ByteBufAllocator allocator() {
        return allocator != null ? allocator : channel.alloc();
    }

    /** Counts a completion delivered off the channel's loop; single writer: the file's completion loop. */
    void countCompletionOffLoop() {
        completionsOffLoop++;
    }

    /**
     * A read of {@code slot} ended: {@code result} bytes, or {@code cause}. Continues a short read, fails the
     * transfer when the file ended inside the range, and otherwise makes the chunk ready. On the channel's loop.
     */
    void onRead(ChunkSlot slot, int result, Throwable cause) {
        inFlight--;
        if (stopped) {
            slot.release();
            listener.readEndedAfterStop();
            return;
        }
        if (cause != null) {
            slot.release();
            fail(cause);
            return;
        }
        ByteBuf buf = slot.buf;
        int got = buf.writerIndex();
        if (result > 0 && got < slot.needed && got % alignment == 0) {
            inFlight++;
            slot.read(); // a short read: continue it
            return;
        }
        if (got < slot.needed) {
            long end = slot.position + got;
            slot.release();
            fail(new EOFException(file.path() + ": end of file inside the range " + offset + "+" + length
                    + " being sent (a read at byte " + end + " found no data)"));
            return;
        }
        buf.setIndex(slot.skip, slot.needed);
        slot.ready = true;
        if (slot == slots[(int) (handedOut % slots.length)]) {
            listener.nextChunkReady();
        }
    }

    private void fail(Throwable cause) {
        stop();
        listener.readFailed(cause);
    }
}
