package io.nettyaio.linux;

/**
 * O_DIRECT alignment of a file as reported by {@code statx(STATX_DIOALIGN)}: the memory alignment of buffers and
 * the alignment of file offsets and lengths, which can differ (a 4Kn device wants 4096-byte offsets but 512-byte
 * aligned memory). tmpfs, FUSE and directories report nothing: then {@link #isReported()} is false and both values
 * are 0.
 */
public final class DioAlignment {
    private final int memoryAlignment;
    private final int offsetAlignment;

    /**
     * @param memoryAlignment required alignment of buffer addresses, 0 when unknown
     * @param offsetAlignment required alignment of file offsets and lengths, 0 when unknown
     */
    public DioAlignment(int memoryAlignment, int offsetAlignment) {
        this.memoryAlignment = memoryAlignment;
        this.offsetAlignment = offsetAlignment;
    }

    /** @return whether the filesystem reported the alignment (and supports O_DIRECT in the kernel's view) */
    public boolean isReported() {
        return memoryAlignment > 0 && offsetAlignment > 0;
    }

    /** @return required alignment of buffer addresses in bytes, 0 when not reported */
    public int memoryAlignment() {
        return memoryAlignment;
    }

    /** @return required alignment of file offsets and lengths in bytes, 0 when not reported */
    public int offsetAlignment() {
        return offsetAlignment;
    }

    @Override
    public String toString() {
        return isReported() ? "DioAlignment(memory " + memoryAlignment + ", offset " + offsetAlignment + ")"
                : "DioAlignment(not reported)";
    }
}
