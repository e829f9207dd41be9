package io.nettyaio.channel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;

/**
 * The memory segments of a request's buffers, in order: the writable regions for a read, the readable regions for a
 * write. A request has one buffer ({@code buf}, possibly a {@link CompositeByteBuf}) or an array ({@code bufs}).
 * Also moves the indices once a request succeeded.
 *
 * <p>Walking segments takes a visitor: callers on the per-request path pass one they own and reuse (the kernel
 * engine's iovec filler, the blocking thread's transfer); argument checks of vectored requests allocate one.
 */
final class BufferSegments {
    private BufferSegments() { }

    /** Visits (buffer, index, length) of each non-empty segment in order. */
    interface Visitor {
        /** @return false to stop */
        boolean segment(ByteBuf buffer, int index, int length);
    }

    /** @return whether the kernel can address every segment (else the request is bounced) */
    static boolean allAddressable(ByteBuf buf, ByteBuf[] bufs) {
        if (bufs != null) {
            for (ByteBuf b : bufs) {
                if (!b.hasMemoryAddress()) {
                    return false;
                }
            }
            return true;
        }
        if (buf instanceof CompositeByteBuf) {
            CompositeByteBuf composite = (CompositeByteBuf) buf;
            for (int i = 0; i < composite.numComponents(); i++) {
                if (!composite.internalComponent(i).hasMemoryAddress()) {
                    return false;
                }
            }
            return true;
        }
        return buf.hasMemoryAddress();
    }

    /** @return whether the request has more than one segment source (a composite or an array) */
    static boolean isVectored(ByteBuf buf, ByteBuf[] bufs) {
        return bufs != null || buf instanceof CompositeByteBuf;
    }

    /** Walks the non-empty segments; see {@link Visitor}. */
    static void forEach(ByteBuf buf, ByteBuf[] bufs, boolean read, Visitor visitor) {
        if (bufs != null) {
            for (ByteBuf b : bufs) {
                int len = read ? b.writableBytes() : b.readableBytes();
                if (len > 0 && !visitor.segment(b, read ? b.writerIndex() : b.readerIndex(), len)) {
                    return;
                }
            }
            return;
        }
        if (!(buf instanceof CompositeByteBuf)) {
            int len = read ? buf.writableBytes() : buf.readableBytes();
            if (len > 0) {
                visitor.segment(buf, read ? buf.writerIndex() : buf.readerIndex(), len);
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

    /** Copies every readable byte of the request's buffers into {@code target} (a write's bounce buffer). */
    static void gather(ByteBuf buf, ByteBuf[] bufs, ByteBuf target) {
        if (bufs == null) {
            target.writeBytes(buf, buf.readerIndex(), buf.readableBytes());
            return;
        }
        for (ByteBuf b : bufs) {
            target.writeBytes(b, b.readerIndex(), b.readableBytes());
        }
    }
}
