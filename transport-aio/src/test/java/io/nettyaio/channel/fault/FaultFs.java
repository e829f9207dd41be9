package io.nettyaio.channel.fault;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * A FUSE filesystem serving one file, {@link #dataFile()}, whose reads, writes, fsyncs, fallocates, truncates and
 * opens can be made to fail with any errno, or to be delayed, per byte range ({@code src/test/c/faultfs.c}).
 *
 * <p>Typical use:
 * <pre>{@code
 * Assumptions.assumeTrue(FaultFs.unavailableReason() == null, FaultFs.unavailableReason());
 * try (FaultFs fs = new FaultFs(1 << 20)) {
 *     fs.inject(FaultFs.Op.READ, 4096, 4096, FaultFs.EIO, 0);     // reads touching [4096, 8192) fail with EIO
 *     fs.inject(0, Long.MAX_VALUE, 0, 300);                        // everything else takes 300 ms
 *     ... open fs.dataFile() (O_DIRECT accepted, no alignment enforced) ...
 * }
 * }</pre>
 *
 * <p><b>Setup.</b> The constructor compiles the daemon with gcc into {@code target/fault-harness/} (only when the
 * source is newer than the binary), creates a sparse backing file of the requested size there, mounts at a fresh
 * {@code target/fault-harness/faultfs-<pid>-<n>/} and waits, polling {@code /proc/self/mountinfo} with a deadline,
 * until the mount is visible. Needs {@code /dev/fuse}, gcc and the libfuse3 headers (Debian: {@code fuse3
 * libfuse3-dev pkg-config}), and root or {@code fusermount3}; check {@link #unavailableReason()} first.
 *
 * <p><b>Semantics</b> (see the header of {@code faultfs.c}). A rule matches a request on the data file whose byte
 * range overlaps {@code [offset, offset + length)} and whose operation is selected; the request then waits
 * {@code delayMillis} and fails with {@code errno}, or proceeds normally when {@code errno} is 0. Rules are tried in
 * the order added; the first match wins. fsync, truncate and open count as touching the whole file. Every open is
 * served with FOPEN_DIRECT_IO, so the page cache never hides a rule: each {@code read(2)}/{@code write(2)} reaches
 * the daemon with exactly its range (split into chunks of at most 1 MiB, each matched separately). Delayed requests
 * run concurrently (one daemon thread each, up to 1024), and {@code max_background} is raised to 1024 so
 * {@code io_submit} does not block on FUSE's default limit of 12 background requests.
 *
 * <p><b>Teardown.</b> {@link #close()} unmounts (lazily when a file is still open), stops the daemon and deletes the
 * mount point and backing file; it is idempotent and throws if the mount is still visible afterwards. Use
 * try-with-resources or {@code @AfterEach} so it also runs when the test fails. A JVM shutdown hook closes instances a
 * test forgot, and the daemon watches the JVM's pid and unmounts itself if the JVM dies, even by SIGKILL. Stopping
 * the daemon aborts the FUSE connection, which also completes any request a test left waiting in a long delay
 * (with ECONNABORTED or ENOTCONN).
 *
 * <p>Thread-safe: {@link #inject} and {@link #clear()} may be called while I/O is in flight on other threads.
 */
public final class FaultFs implements AutoCloseable {

    /** Operations a rule can select. {@link #ANY} means all but {@link #OPEN}. */
    public enum Op {
        ANY, READ, WRITE, FSYNC, FALLOCATE, TRUNCATE, OPEN
    }

    /** errno values commonly injected (Linux, all architectures). */
    public static final int EIO = 5;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EFBIG = 27;
    public static final int ENOSPC = 28;
    public static final int EROFS = 30;
    public static final int EDQUOT = 122;

    /** Size of the data file when none is given: 64 MiB (sparse). */
    public static final long DEFAULT_SIZE = 64L << 20;

    private static final String BINARY = "faultfs";
    private static volatile String staticReason;
    private static volatile boolean staticReasonComputed;

    private final Path mountPoint;
    private final Path backingFile;
    private final Path logFile;
    private final Process daemon;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** Mounts a filesystem whose data file has {@link #DEFAULT_SIZE} bytes (zeros). */
    public FaultFs() throws IOException {
        this(DEFAULT_SIZE);
    }

    /**
     * Mounts a filesystem whose data file initially has {@code sizeBytes} zero bytes; writes past the end extend it.
     *
     * @throws IOException if the daemon cannot be built or started, or the mount does not appear within 15 s; nothing
     *                     is left mounted in that case
     */
    public FaultFs(long sizeBytes) throws IOException {
        if (sizeBytes < 0) {
            throw new IllegalArgumentException("sizeBytes: " + sizeBytes + " (expected: >= 0)");
        }
        Path binary = Harness.compile("faultfs.c", BINARY, pkgConfigFuse3());
        mountPoint = Harness.newScratchDir("faultfs").toRealPath();
        backingFile = mountPoint.resolveSibling(mountPoint.getFileName() + ".data");
        logFile = mountPoint.resolveSibling(mountPoint.getFileName() + ".log");
        daemon = new ProcessBuilder(binary.toString(), "--size=" + sizeBytes, "--backing=" + backingFile,
                "--owner-pid=" + ProcessHandle.current().pid(), mountPoint.toString())
                .redirectErrorStream(true)
                .redirectOutput(logFile.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        Harness.register(this);
        // Poll mountinfo; the daemon dying early ends the wait at once (and its log says why).
        boolean mounted = Harness.await(() -> !daemon.isAlive() || isFaultFsMounted(), Harness.MOUNT_TIMEOUT)
                && daemon.isAlive() && isFaultFsMounted();
        if (!mounted) {
            IOException e = new IOException("faultfs did not mount at " + mountPoint + " within "
                    + Harness.MOUNT_TIMEOUT + (daemon.isAlive() ? "" : " (daemon exited with " + daemon.exitValue()
                    + ")") + "; log: " + readLog());
            try {
                close();
            } catch (IOException c) {
                e.addSuppressed(c);
            }
            throw e;
        }
    }

    /**
     * Null when FUSE fixtures can run here, else a human-readable reason for
     * {@code Assumptions.assumeTrue(reason == null, reason)}. Checks {@code /dev/fuse}, FUSE in the kernel, root or
     * {@code fusermount3}, gcc, {@code pkg-config --exists fuse3} and the C source; computed once.
     */
    public static String unavailableReason() {
        if (!staticReasonComputed) {
            synchronized (FaultFs.class) {
                if (!staticReasonComputed) {
                    staticReason = computeReason();
                    staticReasonComputed = true;
                }
            }
        }
        return staticReason;
    }

    private static String computeReason() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            return "FUSE fault injection needs Linux";
        }
        if (!Files.exists(Path.of("/dev/fuse"))) {
            return "/dev/fuse does not exist";
        }
        String root = Harness.rootReason();
        return Harness.firstReason(
                Harness.filesystemReason("fuse"),
                root == null ? null : Harness.commandReason("fusermount3", "--version") == null ? null
                        : root + " and fusermount3 is not installed (apt-get install -y fuse3)",
                Harness.commandReason("gcc", "--version"),
                Harness.commandReason("pkg-config", "--exists", "fuse3") == null ? null
                        : "libfuse3 development files missing: `pkg-config --exists fuse3` failed "
                        + "(apt-get install -y fuse3 libfuse3-dev pkg-config)",
                Files.isRegularFile(Harness.cSource("faultfs.c")) ? null
                        : "C source not found: " + Harness.cSource("faultfs.c"));
    }

    private static List<String> pkgConfigFuse3() throws IOException {
        List<String> args = new ArrayList<>();
        for (String word : Harness.runOrThrow("pkg-config", "--cflags", "--libs", "fuse3").trim().split("\\s+")) {
            if (!word.isEmpty()) {
                args.add(word);
            }
        }
        return args;
    }

    /** The directory the filesystem is mounted on; it holds {@code data} and {@code ctl}. */
    public Path mountPoint() {
        return mountPoint;
    }

    /** The file whose I/O the rules act on. Opening it with O_DIRECT is accepted; no alignment is enforced. */
    public Path dataFile() {
        return mountPoint.resolve("data");
    }

    /** The control file; writing {@code "[ops] offset length errno delay_ms [times]\n"} adds a rule. */
    public Path controlFile() {
        return mountPoint.resolve("ctl");
    }

    /**
     * Makes every operation except open that overlaps {@code [offset, offset + length)} wait {@code delayMillis} and
     * then fail with {@code errno}, or succeed when {@code errno} is 0. Use {@code Long.MAX_VALUE} as length for
     * "to the end".
     */
    public void inject(long offset, long length, int errno, long delayMillis) throws IOException {
        inject(EnumSet.of(Op.ANY), offset, length, errno, delayMillis, 0);
    }

    /** As {@link #inject(long, long, int, long)}, for one operation only. */
    public void inject(Op op, long offset, long length, int errno, long delayMillis) throws IOException {
        inject(EnumSet.of(op), offset, length, errno, delayMillis, 0);
    }

    /**
     * Adds a rule.
     *
     * @param ops         the operations it applies to (fsync, truncate and open ignore the range)
     * @param offset      first byte of the range, {@code >= 0}
     * @param length      bytes in the range, {@code > 0}; {@code Long.MAX_VALUE} for "to the end"
     * @param errno       the error to fail with (e.g. {@link #EIO}), or 0 to only delay
     * @param delayMillis how long a matching request waits in the daemon before failing or being served
     * @param times       how many matching requests the rule affects before it retires; 0 for unlimited
     * @throws IOException if the daemon rejects the rule or is gone
     */
    public void inject(Set<Op> ops, long offset, long length, int errno, long delayMillis, long times)
            throws IOException {
        if (ops.isEmpty()) {
            throw new IllegalArgumentException("ops: " + ops + " (expected: at least one)");
        }
        if (offset < 0) {
            throw new IllegalArgumentException("offset: " + offset + " (expected: >= 0)");
        }
        if (length <= 0) {
            throw new IllegalArgumentException("length: " + length + " (expected: > 0)");
        }
        if (errno < 0 || errno > 4095) {
            throw new IllegalArgumentException("errno: " + errno + " (expected: 0..4095)");
        }
        if (delayMillis < 0 || times < 0) {
            throw new IllegalArgumentException("delayMillis: " + delayMillis + ", times: " + times
                    + " (expected: >= 0)");
        }
        String opList = ops.stream().map(o -> o.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(","));
        control(opList + " " + offset + " " + length + " " + errno + " " + delayMillis + " " + times + "\n");
    }

    /** Removes every rule; requests already waiting in a delay still complete as their rule said. */
    public void clear() throws IOException {
        control("clear\n");
    }

    /** Number of requests matched by the current rules (retired ones included) since the last {@link #clear()}. */
    public long hits() throws IOException {
        long sum = 0;
        for (String line : rules().split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 7) {
                sum += Long.parseLong(f[6]);
            }
        }
        return sum;
    }

    /** The rule table as the daemon reports it: {@code ops offset length errno delay_ms times hits} per line. */
    public String rules() throws IOException {
        return Files.readString(controlFile(), StandardCharsets.US_ASCII);
    }

    /**
     * Kills the daemon with SIGKILL, like a crashed device driver: requests in flight fail with ECONNABORTED and new
     * ones with ENOTCONN; closing a file opened earlier may fail with ENOTCONN too. The (dead) mount stays until
     * {@link #close()}.
     */
    public void killDaemon() throws IOException {
        daemon.destroyForcibly();
        if (!waitFor(daemon, Duration.ofSeconds(10))) {
            throw new IOException("faultfs daemon " + daemon.pid() + " survived SIGKILL");
        }
    }

    private void control(String command) throws IOException {
        if (closed.get()) {
            throw new IllegalStateException("closed");
        }
        // One write(2) per command: faultfs parses each write as a batch of whole lines.
        try (FileChannel ctl = FileChannel.open(controlFile(), StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.wrap(command.getBytes(StandardCharsets.US_ASCII));
            int n = ctl.write(buf);
            if (n != buf.capacity()) {
                throw new IOException("short write to " + controlFile() + ": " + n + " of " + buf.capacity());
            }
        } catch (IOException e) {
            throw new IOException("faultfs rejected `" + command.strip() + "`: " + e.getMessage(), e);
        }
    }

    private boolean isFaultFsMounted() {
        String p = mountPoint.toString();
        return Harness.mounts().stream().anyMatch(m -> m.mountPoint.equals(p) && m.fsType.equals("fuse.faultfs"));
    }

    private String readLog() {
        try {
            String log = Files.readString(logFile, StandardCharsets.UTF_8);
            return log.length() > 4000 ? log.substring(log.length() - 4000) : log;
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static boolean waitFor(Process p, Duration timeout) {
        try {
            return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !p.isAlive();
        }
    }

    /**
     * Unmounts (falling back to a lazy unmount while files are open), stops the daemon (SIGTERM, then SIGKILL) and
     * deletes the mount point, backing file and log. Idempotent.
     *
     * @throws IOException if the mount is still visible afterwards
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
        // After a clean unmount the daemon reads ENODEV from /dev/fuse and exits by itself, but after a lazy one (a
        // file still open) the connection lives on. SIGTERM makes libfuse leave its loop either way; closing
        // /dev/fuse then aborts the connection, failing whatever is still waiting in a delay.
        daemon.destroy();
        if (!waitFor(daemon, Duration.ofSeconds(5))) {
            daemon.destroyForcibly();
            waitFor(daemon, Duration.ofSeconds(10));
        }
        if (failure != null || Harness.isMounted(mountPoint)) {
            // A dead daemon leaves an ENOTCONN mount that a (lazy) umount always removes.
            try {
                Harness.unmount(mountPoint);
                failure = null;
            } catch (IOException e) {
                failure = e;
            }
        }
        Harness.unregister(this);
        if (failure != null) {
            throw failure;
        }
        Files.deleteIfExists(backingFile);
        Files.deleteIfExists(logFile);
        Harness.deleteTree(mountPoint);
    }

    @Override
    public String toString() {
        return "FaultFs(" + mountPoint + ", daemon pid " + daemon.pid() + ")";
    }
}
