package io.nettyaio.examples;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.nettyaio.channel.AioBuffers;
import io.nettyaio.channel.AioFileChannel;

import java.io.EOFException;

/**
 * Copies one file into another with reads and writes overlapped: up to {@code depth} blocks are in flight at once,
 * each one read, then written at the same position, and its slot reused for the next block. At the end the
 * destination is truncated to the source's size (which trims the padding of a {@code DIRECT} copy's last block)
 * and {@code fdatasync}ed.
 * <p>
 * Both channels must complete on the same executor: every callback runs on that one thread, so the copier's state
 * needs no locks.
 */
final class FileCopier {
    private final AioFileChannel src;
    private final AioFileChannel dst;
    private final long size;
    private final int blockSize;
    private final int depth;
    private final EventExecutor executor;
    /** Alignment of DIRECT lengths and positions; 1 for buffered files. */
    private final int alignment;
    private final int memoryAlignment;
    private final Promise<Long> done;

    private long nextPosition;
    private int inFlight;
    private Throwable failure;
    /** Written by the executor thread only, so {@code +=} is safe; volatile for progress readers. */
    private volatile long bytesCopied;

    /**
     * @param src the source, open for reading
     * @param dst the destination, open for writing, on the same executor as {@code src}
     * @param size the bytes to copy from position 0
     * @param blockSize bytes per request; a multiple of the alignment when the channels are {@code DIRECT}
     * @param depth blocks in flight
     */
    FileCopier(AioFileChannel src, AioFileChannel dst, long size, int blockSize, int depth) {
        if (src.executor() != dst.executor()) {
            throw new IllegalArgumentException("src and dst must complete on the same executor");
        }
        this.src = src;
        this.dst = dst;
        this.size = size;
        this.blockSize = blockSize;
        this.depth = depth;
        this.executor = src.executor();
        this.alignment = Math.max(src.alignment(), dst.alignment());
        this.memoryAlignment = Math.max(src.memoryAlignment(), dst.memoryAlignment());
        this.done = executor.newPromise();
    }

    /**
     * Starts the copy.
     *
     * @return completes with the number of bytes copied once they are durable, or with the first error
     */
    Future<Long> start() {
        executor.execute(() -> {
            for (int i = 0; i < depth; i++) {
                startNextBlock();
            }
            finishIfIdle();
        });
        return done;
    }

    /** @return bytes written so far; readable from any thread, e.g. to draw progress */
    long bytesCopied() {
        return bytesCopied;
    }

    private void startNextBlock() {
        if (failure != null || nextPosition >= size) {
            return;
        }
        long position = nextPosition;
        int length = (int) Math.min(blockSize, size - position);
        nextPosition += length;
        inFlight++;
        ByteBuf block = AioBuffers.directBuffer(roundUp(length), memoryAlignment);
        // A DIRECT block is read whole, padding included: at the tail the kernel stops at end of file.
        Future<Integer> read = src.readFully(block, position);
        read.addListener(f -> onRead(block, position, length, read));
    }

    private void onRead(ByteBuf block, long position, int length, Future<Integer> read) {
        if (!read.isSuccess()) {
            blockFailed(block, read.cause());
            return;
        }
        int n = read.getNow();
        if (n != length) {
            blockFailed(block, new EOFException("short read at position " + position + ": " + n + " of " + length
                    + " bytes (did " + src.path() + " shrink?)"));
            return;
        }
        if (dst.isDirect()) {
            // DIRECT writes whole aligned blocks: pad the tail with zeros, truncate() trims them at the end.
            int padded = roundUp(n);
            block.setZero(n, padded - n).writerIndex(padded);
        }
        dst.write(block, position).addListener(f -> onWritten(block, length, f));
    }

    private int roundUp(int length) {
        return (length + alignment - 1) & -alignment;
    }

    private void onWritten(ByteBuf block, int length, Future<?> write) {
        block.release();
        inFlight--;
        if (write.isSuccess()) {
            bytesCopied += length;
            startNextBlock();
        } else if (failure == null) {
            failure = write.cause();
        }
        finishIfIdle();
    }

    private void blockFailed(ByteBuf block, Throwable cause) {
        block.release();
        inFlight--;
        if (failure == null) {
            failure = cause;
        }
        finishIfIdle();
    }

    private void finishIfIdle() {
        if (inFlight > 0 || done.isDone()) {
            return;
        }
        if (failure != null) {
            done.setFailure(failure);
            return;
        }
        dst.truncate(size).addListener(truncated -> {
            if (!truncated.isSuccess()) {
                done.setFailure(truncated.cause());
                return;
            }
            dst.fdatasync().addListener(synced -> {
                if (synced.isSuccess()) {
                    done.setSuccess(size);
                } else {
                    done.setFailure(synced.cause());
                }
            });
        });
    }
}
