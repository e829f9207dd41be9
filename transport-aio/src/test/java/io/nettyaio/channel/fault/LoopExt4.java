package io.nettyaio.channel.fault;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A small, real ext4 filesystem on a loop device, mounted under the module's {@code target/}, that can be
 * {@linkplain #shutdown() shut down} so every further read, write, fsync and open on it fails with EIO.
 *
 * <p>Typical use:
 * <pre>{@code
 * Assumptions.assumeTrue(LoopExt4.unavailableReason() == null, LoopExt4.unavailableReason());
 * try (LoopExt4 fs = new LoopExt4()) {
 *     Path f = fs.mountPoint().resolve("f");
 *     ... write f, open it ...
 *     fs.shutdown();          // from now on: EIO
 * }
 * }</pre>
 *
 * <p><b>Setup</b> (root only: losetup, mkfs, mount and the ioctl all need CAP_SYS_ADMIN): a sparse image
 * {@code target/fault-harness/ext4-<pid>-<n>.img} is attached with {@code losetup -f --show}, formatted with
 * {@code mkfs.ext4 -q -F -m 0} (root lacks CAP_SYS_RESOURCE on the project's VMs, so reserved blocks would only hide
 * ENOSPC) and mounted at {@code target/fault-harness/ext4-<pid>-<n>/}. With a sector size of 4096 the loop device
 * uses direct I/O and emulates a 4Kn disk ({@code STATX_DIOALIGN} offset alignment 4096; 512-byte O_DIRECT requests
 * fail with EINVAL). Filling the filesystem gives ENOSPC without short writes (ext4 refuses the whole request).
 *
 * <p><b>{@link #shutdown()}</b> issues {@code EXT4_IOC_SHUTDOWN} with {@code EXT4_GOING_FLAGS_NOLOGFLUSH} through the
 * C helper {@code src/test/c/ext4_shutdown.c} (compiled on first use). The EIO comes from ext4 itself, for files
 * opened before and after; no bio fails, so this is "the filesystem died", not a bad sector. Nothing ext4 had not yet
 * written to the loop device reaches it afterwards, so {@link #shutdown()} followed by {@link #remount()} is a power
 * cut and a reboot (journal replay included). {@link #armShutdown()} prepares the helper beforehand so the cut itself
 * costs only a pipe write and can land inside a short operation such as an fdatasync.
 *
 * <p><b>Teardown.</b> {@link #close()} unmounts (lazily if a file is still open), detaches the loop device (the kernel
 * defers that to the last close when it is still busy) and deletes the image: no e2fsck, the image is discarded. It
 * is idempotent, runs from a JVM shutdown hook for instances a test forgot, and leftovers of a killed JVM are swept
 * by the next fixture created in {@code target/fault-harness/}.
 */
public final class LoopExt4 implements AutoCloseable {

    /** Image size when none is given: 16 MiB (1 KiB blocks, about 13 MiB free). */
    public static final long DEFAULT_SIZE = 16L << 20;

    private static final String SHUTDOWN_BINARY = "ext4_shutdown";
    private static final byte[] ARMED = "armed\n".getBytes(StandardCharsets.US_ASCII);
    private static volatile String staticReason;
    private static volatile boolean staticReasonComputed;

    private final Path image;
    private final Path mountPoint;
    private final String loopDevice;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean shutdown;

    /** Creates and mounts a {@link #DEFAULT_SIZE} ext4 on a loop device with 512-byte sectors. */
    public LoopExt4() throws IOException {
        this(DEFAULT_SIZE, 512);
    }

    /** Creates and mounts an ext4 of {@code sizeBytes} on a loop device with 512-byte sectors. */
    public LoopExt4(long sizeBytes) throws IOException {
        this(sizeBytes, 512);
    }

    /**
     * Creates and mounts an ext4 of {@code sizeBytes} (at least 4 MiB).
     *
     * @param sectorSize 512, or 4096 to emulate a 4Kn disk (loop device with {@code --sector-size 4096
     *                   --direct-io=on})
     * @throws IOException if a step fails; whatever was set up is torn down again before it is thrown
     */
    public LoopExt4(long sizeBytes, int sectorSize) throws IOException {
        if (sizeBytes < (4L << 20)) {
            throw new IllegalArgumentException("sizeBytes: " + sizeBytes + " (expected: >= 4194304)");
        }
        if (sectorSize != 512 && sectorSize != 4096) {
            throw new IllegalArgumentException("sectorSize: " + sectorSize + " (expected: 512 or 4096)");
        }
        Harness.compile("ext4_shutdown.c", SHUTDOWN_BINARY, List.of());
        mountPoint = Harness.newScratchDir("ext4").toRealPath();
        image = mountPoint.resolveSibling(mountPoint.getFileName() + ".img");
        try (FileChannel ch = FileChannel.open(image, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(1), sizeBytes - 1);  // sparse
        }
        String device = null;
        try {
            device = (sectorSize == 4096
                    ? Harness.runOrThrow("losetup", "-f", "--show", "--sector-size", "4096", "--direct-io=on",
                            image.toString())
                    : Harness.runOrThrow("losetup", "-f", "--show", image.toString())).trim();
            if (!device.startsWith("/dev/loop")) {
                throw new IOException("losetup printed an unexpected device name: " + device);
            }
        } catch (IOException e) {
            Files.deleteIfExists(image);
            Harness.deleteTree(mountPoint);
            throw e;
        }
        loopDevice = device;
        Harness.register(this);
        try {
            Harness.runOrThrow("mkfs.ext4", "-q", "-F", "-m", "0", loopDevice);
            Harness.runOrThrow("mount", "-t", "ext4", loopDevice, mountPoint.toString());
        } catch (IOException e) {
            try {
                close();
            } catch (IOException c) {
                e.addSuppressed(c);
            }
            throw e;
        }
    }

    /**
     * Null when loop-mounted ext4 fixtures can run here, else a human-readable reason for
     * {@code Assumptions.assumeTrue(reason == null, reason)}: needs root with CAP_SYS_ADMIN, losetup, mkfs.ext4,
     * ext4 in the kernel, gcc (for the shutdown helper) and a free loop device (checked on every call).
     */
    public static String unavailableReason() {
        if (!staticReasonComputed) {
            synchronized (LoopExt4.class) {
                if (!staticReasonComputed) {
                    staticReason = Harness.firstReason(
                            Harness.rootReason(),
                            Harness.filesystemReason("ext4"),
                            Files.exists(Path.of("/dev/loop-control")) || Files.exists(Path.of("/dev/loop0")) ? null
                                    : "no loop device support (/dev/loop-control missing)",
                            Harness.commandReason("losetup", "--version"),
                            Harness.commandReason("mkfs.ext4", "-V"),
                            Harness.commandReason("gcc", "--version"));
                    staticReasonComputed = true;
                }
            }
        }
        if (staticReason != null) {
            return staticReason;
        }
        String free = Harness.commandReason("losetup", "-f");
        return free == null ? null : "no free loop device: " + free;
    }

    /** The directory the ext4 is mounted on (empty apart from {@code lost+found}). */
    public Path mountPoint() {
        return mountPoint;
    }

    /** The loop device, e.g. {@code /dev/loop3}. */
    public String loopDevice() {
        return loopDevice;
    }

    /** Whether {@link #shutdown()} was called. */
    public boolean isShutdown() {
        return shutdown;
    }

    /**
     * Shuts the filesystem down ({@code EXT4_IOC_SHUTDOWN}, flag {@code EXT4_GOING_FLAGS_NOLOGFLUSH}): from now on
     * reads (even of cached data through fds opened earlier), writes, fsyncs and opens on it fail with EIO. There is
     * no way back short of remounting; {@link #close()} just discards the image.
     */
    public void shutdown() throws IOException {
        Path helper = Harness.compile("ext4_shutdown.c", SHUTDOWN_BINARY, List.of());
        Harness.runOrThrow(helper.toString(), mountPoint.toString(), "2");
        shutdown = true;
    }

    /**
     * Prepares a {@link #shutdown()} to happen at a precise moment: starts the helper, which opens the mount point and
     * waits; {@link ArmedShutdown#fire()} then costs a pipe write instead of a fork and exec (milliseconds on a busy
     * machine), so a test can cut power in the middle of a short operation. Close the result when done: unfired, it
     * is disarmed and nothing is shut down.
     */
    public ArmedShutdown armShutdown() throws IOException {
        Path helper = Harness.compile("ext4_shutdown.c", SHUTDOWN_BINARY, List.of());
        return new ArmedShutdown(helper);
    }

    /**
     * Unmounts and mounts the filesystem again on the same loop device: after {@link #shutdown()} this is the reboot
     * after a power cut. ext4 replays its journal on mount, so what survives is exactly what had reached the device
     * before the shutdown. Clears {@link #isShutdown()}.
     *
     * <p>Every file on it must be closed first: the unmount is never lazy here, because a lazily unmounted, still
     * busy ext4 keeps its superblock alive and mounting the device again would reattach that same in-memory
     * filesystem instead of recovering from the device.
     *
     * @throws IOException if the unmount (busy, say) or the mount fails; {@link #close()} still cleans up
     */
    public void remount() throws IOException {
        Harness.runOrThrow("umount", mountPoint.toString());
        Harness.runOrThrow("mount", "-t", "ext4", loopDevice, mountPoint.toString());
        shutdown = false;
    }

    /**
     * The shutdown helper, started and waiting on its standard input; see {@link #armShutdown()}. Not thread-safe:
     * one thread fires and closes it.
     */
    public final class ArmedShutdown implements AutoCloseable {
        private final Process process;
        private boolean fired;

        private ArmedShutdown(Path helper) throws IOException {
            process = new ProcessBuilder(helper.toString(), mountPoint.toString(), "2", "--armed")
                    .redirectErrorStream(true)
                    .start();
            boolean ready = false;
            try {
                // Bounded wait for "armed": from then on the helper holds the mount point open and blocks on stdin.
                Harness.await(() -> available() >= ARMED.length || !process.isAlive(), Harness.COMMAND_TIMEOUT);
                byte[] line = available() >= ARMED.length ? process.getInputStream().readNBytes(ARMED.length)
                        : new byte[0];
                if (!Arrays.equals(line, ARMED)) {
                    throw new IOException("ext4_shutdown --armed did not get ready on " + mountPoint + ": "
                            + new String(line, StandardCharsets.UTF_8) + drainOutput());
                }
                ready = true;
            } finally {
                if (!ready) {
                    process.destroyForcibly();
                }
            }
        }

        private int available() {
            try {
                return process.getInputStream().available();
            } catch (IOException e) {
                return 0;
            }
        }

        private String drainOutput() {
            try {
                boolean exited = process.waitFor(5, TimeUnit.SECONDS);
                byte[] rest = process.getInputStream().readNBytes(available());
                return (exited ? " (exit " + process.exitValue() + ")" : "")
                        + new String(rest, StandardCharsets.UTF_8).strip();
            } catch (IOException | InterruptedException e) {
                return " (" + e + ")";
            }
        }

        /**
         * Shuts the filesystem down now ({@code EXT4_GOING_FLAGS_NOLOGFLUSH}, as {@link #shutdown()}) and waits for
         * the helper to report the ioctl done.
         */
        public void fire() throws IOException {
            if (fired) {
                throw new IllegalStateException("already fired");
            }
            fired = true;
            OutputStream trigger = process.getOutputStream();
            trigger.write('!');
            trigger.flush();
            boolean exited;
            try {
                exited = process.waitFor(Harness.COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while shutting down " + mountPoint, e);
            }
            if (!exited) {
                process.destroyForcibly();
                throw new IOException("ext4_shutdown did not finish within " + Harness.COMMAND_TIMEOUT);
            }
            if (process.exitValue() != 0) {
                throw new IOException("ext4_shutdown " + mountPoint + " failed:" + drainOutput());
            }
            shutdown = true;
        }

        /** Disarms an unfired helper (end of file on its stdin: it exits without the ioctl) and reaps it. */
        @Override
        public void close() throws IOException {
            try {
                process.getOutputStream().close();
            } catch (IOException ignored) {
                // the helper is gone already
            }
            try {
                if (!process.waitFor(Harness.COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Unmounts (lazily if busy), detaches the loop device and deletes the image and mount point. Idempotent.
     *
     * @throws IOException if the mount is still visible or the loop device could not be detached
     */
    @Override
    public void close() throws IOException {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        IOException failure = null;
        try {
            Harness.unmount(mountPoint);
        } catch (IOException e) {
            failure = e;
        }
        // On a device still held open (a lazily unmounted, busy filesystem) LOOP_CLR_FD succeeds by setting
        // autoclear: the kernel detaches it when the last user goes away.
        Harness.Result r = Harness.run(Harness.COMMAND_TIMEOUT, "losetup", "-d", loopDevice);
        if (!r.ok() && isAttachedToImage()) {
            IOException e = new IOException("losetup -d " + loopDevice + " failed with " + r);
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
        Harness.unregister(this);
        if (failure != null) {
            throw failure;
        }
        Files.deleteIfExists(image);
        Harness.deleteTree(mountPoint);
    }

    private boolean isAttachedToImage() throws IOException {
        Harness.Result r = Harness.run(Harness.COMMAND_TIMEOUT, "losetup", "-j", image.toString());
        return r.ok() && r.output.contains(loopDevice + ":");
    }

    @Override
    public String toString() {
        return "LoopExt4(" + loopDevice + " on " + mountPoint + (shutdown ? ", shut down" : "") + ")";
    }
}
