package io.nettyaio.channel.fault;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A tiny tmpfs mounted under the module's {@code target/}, for running out of space: with the default 1 MiB, writes
 * succeed until the filesystem is nearly full, the one crossing the limit is <em>short</em> (it returns the bytes that
 * fit) and the next fails with ENOSPC ("No space left on device").
 *
 * <p>Typical use:
 * <pre>{@code
 * Assumptions.assumeTrue(SmallTmpfs.unavailableReason() == null, SmallTmpfs.unavailableReason());
 * try (SmallTmpfs fs = new SmallTmpfs()) {
 *     Path f = fs.mountPoint().resolve("f");
 *     ...
 * }
 * }</pre>
 *
 * <p><b>Setup</b> (root only): {@code mount -t tmpfs -o size=<bytes> nettyaio_tiny} at a fresh
 * {@code target/fault-harness/tmpfs-<pid>-<n>/}. tmpfs rounds the size up to whole pages. Note that tmpfs accepts
 * O_DIRECT opens but ignores them: I/O there is buffered and synchronous, no alignment is enforced, no
 * {@code STATX_DIOALIGN} is reported, and {@code RWF_NOWAIT} is refused with EOPNOTSUPP at submit time.
 *
 * <p><b>Teardown.</b> {@link #close()} unmounts (lazily if a file is still open), which frees the memory, and removes
 * the mount point. It is idempotent, runs from a JVM shutdown hook for instances a test forgot, and leftovers of a
 * killed JVM are swept by the next fixture created in {@code target/fault-harness/}.
 */
public final class SmallTmpfs implements AutoCloseable {

    /** Size when none is given: 1 MiB. */
    public static final long DEFAULT_SIZE = 1L << 20;

    private final Path mountPoint;
    private final long sizeBytes;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** Mounts a {@link #DEFAULT_SIZE} tmpfs. */
    public SmallTmpfs() throws IOException {
        this(DEFAULT_SIZE);
    }

    /**
     * Mounts a tmpfs limited to {@code sizeBytes} (rounded up to pages by the kernel).
     *
     * @throws IOException if mount fails; the mount point is removed again
     */
    public SmallTmpfs(long sizeBytes) throws IOException {
        if (sizeBytes < 4096) {
            throw new IllegalArgumentException("sizeBytes: " + sizeBytes + " (expected: >= 4096)");
        }
        this.sizeBytes = sizeBytes;
        mountPoint = Harness.newScratchDir("tmpfs").toRealPath();
        try {
            Harness.runOrThrow("mount", "-t", "tmpfs", "-o", "size=" + sizeBytes + ",mode=0755", "nettyaio_tiny",
                    mountPoint.toString());
        } catch (IOException e) {
            Harness.deleteTree(mountPoint);
            throw e;
        }
        Harness.register(this);
    }

    /**
     * Null when a tmpfs can be mounted here (root with CAP_SYS_ADMIN, tmpfs in the kernel), else a human-readable
     * reason for {@code Assumptions.assumeTrue(reason == null, reason)}.
     */
    public static String unavailableReason() {
        return Harness.firstReason(Harness.rootReason(), Harness.filesystemReason("tmpfs"));
    }

    /** The directory the tmpfs is mounted on (initially empty). */
    public Path mountPoint() {
        return mountPoint;
    }

    /** The size limit requested at mount time, in bytes. */
    public long sizeBytes() {
        return sizeBytes;
    }

    /**
     * Unmounts (lazily if busy) and removes the mount point. Idempotent.
     *
     * @throws IOException if the mount is still visible afterwards
     */
    @Override
    public void close() throws IOException {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            Harness.unmount(mountPoint);
        } finally {
            Harness.unregister(this);
        }
        Harness.deleteTree(mountPoint);
    }

    @Override
    public String toString() {
        return "SmallTmpfs(" + sizeBytes + " bytes on " + mountPoint + ")";
    }
}
