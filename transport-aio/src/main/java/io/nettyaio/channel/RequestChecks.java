package io.nettyaio.channel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.nettyaio.linux.AioAbi;

import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;

/**
 * The argument checks of every request, in Netty's shape: each returns {@code null} when the argument is fine, or
 * the exception to fail the request with, naming the argument, its value and what was expected. Written once for
 * single-buffer and vectored requests alike ({@code buf} or {@code bufs}, one of them null).
 */
final class RequestChecks {
    private RequestChecks() { }

    /** The checks that come before the buffers are retained: buffers, channel, position, options. */
    static Throwable request(String name, FileState file, ByteBuf buf, ByteBuf[] bufs, boolean read, long position,
                             AioRequestOptions options) {
        Throwable invalid = buffers(name, buf, bufs, read);
        if (invalid == null) {
            invalid = channel(file, read, !read);
        }
        if (invalid == null) {
            invalid = position("position", position);
        }
        if (invalid == null && options == null) {
            invalid = new NullPointerException("options");
        }
        if (invalid == null) {
            invalid = priority(options.priority());
        }
        return invalid;
    }

    /** Sync, truncate ({@code position} is the size) and allocate: the channel's mode, then the range. */
    static Throwable dataless(FileState file, byte kind, long position, long length) {
        boolean metadata = kind == IoRequest.TRUNCATE || kind == IoRequest.ALLOCATE;
        Throwable invalid = channel(file, false, metadata);
        if (invalid == null && metadata) {
            invalid = position(kind == IoRequest.TRUNCATE ? "size" : "position", position);
        }
        if (invalid == null && kind == IoRequest.ALLOCATE) {
            invalid = length <= 0 ? new IllegalArgumentException("length: " + length + " (expected: > 0)")
                    : range(position, length);
        }
        return invalid;
    }

    /** The real-time class needs a capability; without it the kernel would only say EPERM, in the completion. */
    static IllegalArgumentException priority(AioIoPriority priority) {
        if (priority != null && priority.ioClass() == AioIoPriority.Class.REALTIME
                && !Capabilities.mayUseRealtimeIoPriority()) {
            return new IllegalArgumentException("priority: " + priority + " (expected: CAP_SYS_ADMIN or CAP_SYS_NICE "
                    + "for the real-time class; this process has neither)");
        }
        return null;
    }

    /** Null buffers, and read-only memory anywhere a read would write. */
    static Throwable buffers(String name, ByteBuf buf, ByteBuf[] bufs, boolean read) {
        if (bufs == null) {
            if (buf == null) {
                return new NullPointerException(name);
            }
            return read ? readOnly(name, buf) : null;
        }
        for (int i = 0; i < bufs.length; i++) {
            if (bufs[i] == null) {
                return new NullPointerException(name + "[" + i + "]");
            }
            Throwable readOnly = read ? readOnly(name + "[" + i + "]", bufs[i]) : null;
            if (readOnly != null) {
                return readOnly;
            }
        }
        return null;
    }

    private static Throwable readOnly(String name, ByteBuf buf) {
        if (buf.isReadOnly()) {
            return new IllegalArgumentException(name + ": read-only buffer " + buf + " (expected: a writable buffer)");
        }
        if (buf instanceof CompositeByteBuf) {
            return readOnlyComponent(name, (CompositeByteBuf) buf, buf.writerIndex(), buf.capacity());
        }
        return readOnlyUnderneath(name, buf.unwrap());
    }

    /**
     * The components a read would write, those overlapping {@code [from, to)}, must be writable, down to the memory:
     * a component may be a view (slice, duplicate, leak-aware wrapper) of a read-only buffer or of another composite.
     */
    private static Throwable readOnlyComponent(String name, CompositeByteBuf composite, int from, int to) {
        for (int i = 0; i < composite.numComponents(); i++) {
            int start = composite.toByteIndex(i);
            ByteBuf component = composite.internalComponent(i);
            if (start + component.capacity() <= from || start >= to) {
                continue; // holds data before the writer index: the read does not touch it
            }
            String componentName = name + " component " + i;
            if (component.isReadOnly()) {
                return new IllegalArgumentException(componentName + ": read-only buffer " + component
                        + " (expected: every component writable)");
            }
            Throwable underneath = component instanceof CompositeByteBuf
                    ? readOnlyComponent(componentName, (CompositeByteBuf) component, 0, component.capacity())
                    : readOnlyUnderneath(componentName, component.unwrap());
            if (underneath != null) {
                return underneath;
            }
        }
        return null;
    }

    /** What a view wraps, all the way down; a composite found there is checked whole (its range is not mapped). */
    private static Throwable readOnlyUnderneath(String name, ByteBuf wrapped) {
        for (ByteBuf b = wrapped; b != null; b = b.unwrap()) {
            if (b.isReadOnly()) {
                return new IllegalArgumentException(name + ": a view of the read-only buffer " + b
                        + " (expected: writable memory)");
            }
            if (b instanceof CompositeByteBuf) {
                return readOnlyComponent(name, (CompositeByteBuf) b, 0, b.capacity());
            }
        }
        return null;
    }

    /** The channel is open, and opened for what the request does. */
    static Throwable channel(FileState file, boolean read, boolean write) {
        if (!file.isOpen()) {
            return new ClosedChannelException();
        }
        if (read && !file.isReadable()) {
            return notReadable(file);
        }
        if (write && !file.isWritable()) {
            return notWritable(file);
        }
        return null;
    }

    static Throwable position(String name, long position) {
        return position < 0 ? new IllegalArgumentException(name + ": " + position + " (expected: >= 0)") : null;
    }

    static Throwable range(long position, long length) {
        if (position > Long.MAX_VALUE - length) {
            return new IllegalArgumentException("position + length: " + position + " + " + length
                    + " (expected: <= " + Long.MAX_VALUE + ")");
        }
        return null;
    }

    /** @return the bytes a request would transfer: writable bytes to read into, readable bytes to write */
    static long length(ByteBuf buf, ByteBuf[] bufs, boolean read) {
        if (bufs == null) {
            return read ? buf.writableBytes() : buf.readableBytes();
        }
        long length = 0;
        for (ByteBuf b : bufs) {
            length += read ? b.writableBytes() : b.readableBytes();
        }
        return length;
    }

    /** Checks of vectored requests: the segment count. */
    static Throwable vectored(String name, ByteBuf buf, ByteBuf[] bufs, boolean read) {
        if (!BufferSegments.isVectored(buf, bufs)) {
            return null;
        }
        SegmentCheck count = new SegmentCheck(name, 1, 1, false);
        BufferSegments.forEach(buf, bufs, read, count);
        if (count.index > AioAbi.MAX_IOV) {
            return new IllegalArgumentException(name + ": " + count.index + " segments (expected: at most "
                    + AioAbi.MAX_IOV + ")");
        }
        return null;
    }

    /** Buffers the kernel cannot address are bounced through one aligned direct buffer: it must be possible. */
    static Throwable bounce(String name, ByteBuf buf, ByteBuf[] bufs, long length) {
        if (length > AioBuffers.MAX_CAPACITY && !BufferSegments.allAddressable(buf, bufs)) {
            return new IllegalArgumentException(name + ": " + length + " bytes in buffers without a memory "
                    + "address (expected: at most " + AioBuffers.MAX_CAPACITY + " when bounced)");
        }
        return null;
    }

    /** O_DIRECT: position, lengths and (unless bounced) memory addresses aligned, every segment of them. */
    static Throwable direct(String name, FileState file, ByteBuf buf, ByteBuf[] bufs, boolean read, long position,
                            long length) {
        int offsetAlignment = file.offsetAlignment();
        int memoryAlignment = file.memoryAlignment();
        if (!file.isAligned(position)) {
            return misaligned("position", position, offsetAlignment);
        }
        if (!BufferSegments.isVectored(buf, bufs)) {
            if (!file.isAligned(length)) {
                return misaligned("length", length, offsetAlignment);
            }
            if (buf.hasMemoryAddress()) {
                long address = buf.memoryAddress() + (read ? buf.writerIndex() : buf.readerIndex());
                if ((address & (memoryAlignment - 1)) != 0) {
                    return new IllegalArgumentException(name + " memory address: 0x" + Long.toHexString(address)
                            + " (expected: multiple of " + memoryAlignment + " for DIRECT; allocate with AioBuffers)");
                }
            }
            return null;
        }
        SegmentCheck check = new SegmentCheck(name, memoryAlignment, offsetAlignment,
                BufferSegments.allAddressable(buf, bufs));
        BufferSegments.forEach(buf, bufs, read, check);
        return check.error;
    }

    private static IllegalArgumentException misaligned(String name, long value, int alignment) {
        return new IllegalArgumentException(name + ": " + value + " (expected: multiple of " + alignment
                + " for DIRECT)");
    }

    static NonReadableChannelException notReadable(FileState file) {
        return new NonReadableChannelException() {
            private static final long serialVersionUID = 1L;

            @Override
            public String getMessage() {
                return "read on " + file.path() + ", opened without READ (expected: a channel opened with READ)";
            }
        };
    }

    static NonWritableChannelException notWritable(FileState file) {
        return new NonWritableChannelException() {
            private static final long serialVersionUID = 1L;

            @Override
            public String getMessage() {
                return "write on " + file.path() + ", opened without WRITE (expected: a channel opened with WRITE)";
            }
        };
    }

    /** Counts segments and checks each one's alignment (a kernel rule for vectored O_DIRECT). */
    private static final class SegmentCheck implements BufferSegments.Visitor {
        private final String name;
        private final int memoryAlignment;
        private final int offsetAlignment;
        private final boolean checkAddresses;
        int index;
        Throwable error;

        SegmentCheck(String name, int memoryAlignment, int offsetAlignment, boolean checkAddresses) {
            this.name = name;
            this.memoryAlignment = memoryAlignment;
            this.offsetAlignment = offsetAlignment;
            this.checkAddresses = checkAddresses;
        }

        @Override
        public boolean segment(ByteBuf b, int from, int length) {
            long address = checkAddresses ? b.memoryAddress() + from : 0;
            if ((address & (memoryAlignment - 1)) != 0) {
                error = new IllegalArgumentException(name + " segment " + index + " memory address: 0x"
                        + Long.toHexString(address) + " (expected: multiple of " + memoryAlignment + " for DIRECT)");
                return false;
            }
            if ((length & (offsetAlignment - 1)) != 0) {
                error = new IllegalArgumentException(name + " segment " + index + " length: " + length
                        + " (expected: multiple of " + offsetAlignment + " for DIRECT)");
                return false;
            }
            index++;
            return true;
        }
    }
}
