package io.nettyaio.examples;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.Future;
import io.nettyaio.channel.AioFileChannel;

import java.io.IOException;
import java.util.ArrayDeque;

/**
 * Reads a file front to back while keeping up to {@code depth} reads in flight, and hands the chunks back in file
 * order. The consumer is a plain thread that blocks in {@link #next()}: the reads overlap with each other and with
 * whatever the consumer does with the previous chunk.
 * <p>
 * Not thread-safe: one consumer thread calls {@link #next()} and {@link #close()}.
 */
final class ReadAhead implements AutoCloseable {
    private final AioFileChannel file;
    private final long size;
    private final int blockSize;
    private final int depth;
    private final ByteBufAllocator alloc;
    private final ArrayDeque<PendingRead> pending = new ArrayDeque<>();
    private long nextPosition;

    /**
     * @param file the file to read
     * @param size how many bytes to read from position 0 (usually the size when the file was opened)
     * @param blockSize bytes per read
     * @param depth reads kept in flight
     * @param alloc where the chunk buffers come from
     */
    ReadAhead(AioFileChannel file, long size, int blockSize, int depth, ByteBufAllocator alloc) {
        this.file = file;
        this.size = size;
        this.blockSize = blockSize;
        this.depth = depth;
        this.alloc = alloc;
    }

    /**
     * Waits for the next chunk in file order.
     *
     * @return the next chunk, which the caller must release, or {@code null} at the end
     * @throws IOException when a read failed
     * @throws InterruptedException when interrupted while waiting
     */
    ByteBuf next() throws IOException, InterruptedException {
        fill();
        PendingRead head = pending.poll();
        if (head == null) {
            return null;
        }
        head.future.await();
        if (!head.future.isSuccess()) {
            head.buffer.release();
            Throwable cause = head.future.cause();
            throw cause instanceof IOException ? (IOException) cause
                    : new IOException("read at position " + head.position + " failed", cause);
        }
        int n = head.future.getNow();
        if (n < head.length) {
            // The file shrank since we learned its size: stop here, like cat does at end of file.
            nextPosition = size;
            close();
            if (n <= 0) {
                head.buffer.release();
                return null;
            }
        }
        fill();
        return head.buffer;
    }

    private void fill() {
        while (pending.size() < depth && nextPosition < size) {
            int length = (int) Math.min(blockSize, size - nextPosition);
            ByteBuf buffer = alloc.directBuffer(length, length);
            pending.add(new PendingRead(buffer, nextPosition, length, file.readFully(buffer, nextPosition)));
            nextPosition += length;
        }
    }

    /** Drops the reads still in flight; the channel keeps its own reference to their buffers until they finish. */
    @Override
    public void close() {
        PendingRead read;
        while ((read = pending.poll()) != null) {
            read.buffer.release();
        }
    }

    private static final class PendingRead {
        final ByteBuf buffer;
        final long position;
        final int length;
        final Future<Integer> future;

        PendingRead(ByteBuf buffer, long position, int length, Future<Integer> future) {
            this.buffer = buffer;
            this.position = position;
            this.length = length;
            this.future = future;
        }
    }
}
