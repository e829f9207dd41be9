package io.nettyaio.channel.fault;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Shared plumbing of the fault-injection fixtures: the scratch directory under the module's {@code target/}, running
 * commands with a deadline, compiling the C helpers, reading {@code /proc/self/mountinfo}, robust unmounting, a
 * shutdown hook and a sweep of mounts and loop devices left behind by dead JVMs.
 *
 * <p>Every mount point, image and backing file is named {@code <kind>-<jvm pid>-<n>} inside
 * {@code target/fault-harness/}, so {@link #sweepStale()} can tell leftovers of a killed JVM from the live fixtures of
 * a concurrently running one.
 */
final class Harness {

    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);
    static final Duration MOUNT_TIMEOUT = Duration.ofSeconds(15);

    private static final long PID = ProcessHandle.current().pid();
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final Pattern SCRATCH_NAME = Pattern.compile("[a-z0-9]+-(\\d+)-\\d+(\\..*)?");
    private static final Set<AutoCloseable> LIVE = ConcurrentHashMap.newKeySet();
    private static volatile boolean swept;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (AutoCloseable fixture : new ArrayList<>(LIVE)) {
                try {
                    fixture.close();
                } catch (Exception e) {
                    System.err.println("fault-harness: cleanup of " + fixture + " failed: " + e);
                }
            }
        }, "fault-harness-cleanup"));
    }

    private Harness() {
    }

    /** The module directory: surefire's {@code basedir} property, else the working directory. */
    static Path moduleDir() {
        return Paths.get(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
    }

    static Path cSource(String name) {
        return moduleDir().resolve("src/test/c").resolve(name);
    }

    /** {@code target/fault-harness}, created on demand. */
    static Path workDir() throws IOException {
        return Files.createDirectories(moduleDir().resolve("target/fault-harness")).toRealPath();
    }

    /** A fresh, unique directory {@code target/fault-harness/<kind>-<pid>-<n>}; sweeps stale leftovers first. */
    static Path newScratchDir(String kind) throws IOException {
        sweepStale();
        return Files.createDirectory(workDir().resolve(kind + "-" + PID + "-" + COUNTER.incrementAndGet()));
    }

    static void register(AutoCloseable fixture) {
        LIVE.add(fixture);
    }

    static void unregister(AutoCloseable fixture) {
        LIVE.remove(fixture);
    }

    // ---- availability ------------------------------------------------------------------------------------------

    /** Null when this process is root with CAP_SYS_ADMIN (needed by mount, losetup and the ext4 ioctl). */
    static String rootReason() {
        try {
            long uid = -1;
            long capEff = 0;
            for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    uid = Long.parseLong(line.split("\\s+")[2]);
                } else if (line.startsWith("CapEff:")) {
                    capEff = Long.parseUnsignedLong(line.split("\\s+")[1], 16);
                }
            }
            if (uid != 0) {
                return "not running as root (euid " + uid + ")";
            }
            if ((capEff & (1L << 21)) == 0) {
                return "root without CAP_SYS_ADMIN";
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return "cannot read /proc/self/status: " + e;
        }
    }

    static boolean isRoot() {
        return rootReason() == null;
    }

    /** Null when {@code cmd} runs and exits 0 within a few seconds, else why not. */
    static String commandReason(String... cmd) {
        try {
            Result r = run(Duration.ofSeconds(20), cmd);
            return r.ok() ? null : "`" + String.join(" ", cmd) + "` failed: " + r;
        } catch (IOException e) {
            return "`" + String.join(" ", cmd) + "` cannot run: " + e.getMessage();
        }
    }

    static String filesystemReason(String fsType) {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/filesystems"))) {
                String[] f = line.trim().split("\\s+");
                if (f[f.length - 1].equals(fsType)) {
                    return null;
                }
            }
            return "the kernel does not support " + fsType + " (not in /proc/filesystems)";
        } catch (IOException e) {
            return "cannot read /proc/filesystems: " + e;
        }
    }

    static String firstReason(String... reasons) {
        for (String r : reasons) {
            if (r != null) {
                return r;
            }
        }
        return null;
    }

    // ---- commands ----------------------------------------------------------------------------------------------

    /** Exit code and merged stdout/stderr of a finished command. */
    static final class Result {
        final int exitCode;
        final String output;

        Result(int exitCode, String output) {
            this.exitCode = exitCode;
            this.output = output;
        }

        boolean ok() {
            return exitCode == 0;
        }

        @Override
        public String toString() {
            return "exit " + exitCode + (output.isBlank() ? "" : ": " + output.strip());
        }
    }

    /**
     * Runs a command with stdin closed and output captured to a temporary file (so a chatty command can never block
     * on a full pipe), killing it when {@code timeout} elapses.
     */
    static Result run(Duration timeout, String... cmd) throws IOException {
        Path out = Files.createTempFile(workDir(), "cmd-", ".out");
        try {
            Process p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            boolean done;
            try {
                done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while running " + Arrays.toString(cmd), e);
            }
            if (!done) {
                p.destroyForcibly();
                throw new IOException(Arrays.toString(cmd) + " did not finish within " + timeout);
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** Runs a command and throws an {@link IOException} carrying its output unless it exits 0. */
    static String runOrThrow(String... cmd) throws IOException {
        Result r = run(COMMAND_TIMEOUT, cmd);
        if (!r.ok()) {
            throw new IOException(String.join(" ", cmd) + " failed with " + r);
        }
        return r.output;
    }

    /**
     * Compiles {@code src/test/c/<source>} into {@code target/fault-harness/<binary>} unless the binary is already
     * newer than the source. Compiles to a temporary name and renames, so concurrent JVMs never run a half-written
     * binary.
     */
    static synchronized Path compile(String source, String binary, List<String> extraArgs) throws IOException {
        Path src = cSource(source);
        if (!Files.isRegularFile(src)) {
            throw new IOException("C source not found: " + src + " (basedir=" + moduleDir() + ")");
        }
        Path bin = workDir().resolve(binary);
        FileTime srcTime = Files.getLastModifiedTime(src);
        if (Files.isExecutable(bin) && Files.getLastModifiedTime(bin).compareTo(srcTime) > 0) {
            return bin;
        }
        Path tmp = workDir().resolve(binary + ".tmp-" + PID);
        List<String> cmd = new ArrayList<>(List.of("gcc", "-O2", "-g", "-Wall", "-Wextra", "-o", tmp.toString(),
                src.toString()));
        cmd.addAll(extraArgs);
        try {
            runOrThrow(cmd.toArray(new String[0]));
            Files.move(tmp, bin, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return bin;
    }

    /**
     * The command that runs {@code mainClass} in a new JVM with this JVM's class path: for what must not happen in
     * the test JVM (a seccomp filter, descriptors used up).
     */
    static List<String> javaCommand(Class<?> mainClass, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx256m");
        if (Runtime.version().feature() >= 22) {
            cmd.add("--enable-native-access=ALL-UNNAMED"); // jffi's System.load, as the surefire JVM has it
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass.getName());
        cmd.addAll(Arrays.asList(args));
        return cmd;
    }

    /** @return how many lines of {@code output} contain {@code text} */
    static long countLines(String output, String text) {
        return output.lines().filter(l -> l.contains(text)).count();
    }

    // ---- polling -----------------------------------------------------------------------------------------------

    /** Polls {@code condition} every few milliseconds until it holds; false when the deadline passes first. */
    static boolean await(BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline >= 0) {
                return condition.getAsBoolean();
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        return true;
    }

    // ---- mounts ------------------------------------------------------------------------------------------------

    /** One line of {@code /proc/self/mountinfo}. */
    static final class Mount {
        final String mountPoint;
        final String fsType;
        final String source;

        Mount(String mountPoint, String fsType, String source) {
            this.mountPoint = mountPoint;
            this.fsType = fsType;
            this.source = source;
        }

        @Override
        public String toString() {
            return source + " on " + mountPoint + " type " + fsType;
        }
    }

    static List<Mount> mounts() {
        try {
            List<Mount> result = new ArrayList<>();
            for (String line : Files.readAllLines(Paths.get("/proc/self/mountinfo"))) {
                // id parent major:minor root mount-point options [optional fields...] - fstype source super-options
                String[] f = line.split(" ");
                int dash = Arrays.asList(f).indexOf("-");
                if (f.length < 5 || dash < 0 || dash + 2 >= f.length) {
                    continue;
                }
                result.add(new Mount(unescape(f[4]), f[dash + 1], unescape(f[dash + 2])));
            }
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** mountinfo escapes space, tab, newline and backslash as {@code \ooo}. */
    private static String unescape(String s) {
        Matcher m = Pattern.compile("\\\\([0-7]{3})").matcher(s);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(String.valueOf((char) Integer.parseInt(m.group(1), 8))));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    static boolean isMounted(Path dir) {
        String p = dir.toString();
        return mounts().stream().anyMatch(m -> m.mountPoint.equals(p));
    }

    /** Every mount at or below {@code dir}, e.g. to assert a test left nothing behind. */
    static List<Mount> mountsUnder(Path dir) {
        String p = dir.toString();
        List<Mount> result = new ArrayList<>();
        for (Mount m : mounts()) {
            if (m.mountPoint.equals(p) || m.mountPoint.startsWith(p + "/")) {
                result.add(m);
            }
        }
        return Collections.unmodifiableList(result);
    }

    /**
     * Unmounts {@code dir} (every mount stacked on it): a plain umount first, then, if the mount is busy (a test still
     * holds a file open) a lazy one, which detaches it from the namespace at once and lets the kernel finish when the
     * last file is closed. Non-root FUSE mounts go through {@code fusermount3 -u [-z]}. Throws if the mount is still
     * visible afterwards.
     */
    static void unmount(Path dir) throws IOException {
        boolean root = isRoot();
        List<String> errors = new ArrayList<>();
        for (int attempt = 0; attempt < 8 && isMounted(dir); attempt++) {
            boolean lazy = attempt >= 1;
            String[] cmd = root
                    ? (lazy ? new String[] {"umount", "-l", dir.toString()} : new String[] {"umount", dir.toString()})
                    : (lazy ? new String[] {"fusermount3", "-u", "-z", dir.toString()}
                            : new String[] {"fusermount3", "-u", dir.toString()});
            Result r = run(COMMAND_TIMEOUT, cmd);
            if (!r.ok()) {
                errors.add(String.join(" ", cmd) + ": " + r);
            }
        }
        if (!await(() -> !isMounted(dir), MOUNT_TIMEOUT)) {
            throw new IOException("still mounted after unmounting: " + dir + " " + errors);
        }
    }

    // ---- stale leftovers ---------------------------------------------------------------------------------------

    private static boolean ownerDead(String name) {
        Matcher m = SCRATCH_NAME.matcher(name);
        return m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty();
    }

    /**
     * Once per JVM (root only): lazily unmounts fixtures under {@code target/fault-harness/}, detaches loop devices
     * backed by images there and deletes their files, when their owning JVM no longer exists (killed by a surefire
     * timeout, say, before its shutdown hook could run).
     */
    static synchronized void sweepStale() {
        if (swept) {
            return;
        }
        swept = true;
        if (!isRoot()) {
            return;
        }
        try {
            Path work = workDir();
            List<Mount> stale = new ArrayList<>(mountsUnder(work));
            Collections.reverse(stale);  // innermost first
            for (Mount m : stale) {
                if (ownerDead(Paths.get(m.mountPoint).getFileName().toString())) {
                    run(COMMAND_TIMEOUT, "umount", "-l", m.mountPoint);
                }
            }
            Result loops = run(COMMAND_TIMEOUT, "losetup", "--list", "--noheadings", "--raw", "--output",
                    "NAME,BACK-FILE");
            if (loops.ok()) {
                for (String line : loops.output.split("\n")) {
                    String[] f = line.trim().split(" ", 2);
                    if (f.length == 2 && f[1].startsWith(work + "/")
                            && ownerDead(Paths.get(f[1].replace(" (deleted)", "")).getFileName().toString())) {
                        run(COMMAND_TIMEOUT, "losetup", "-d", f[0]);
                    }
                }
            }
            try (var entries = Files.list(work)) {
                for (Path p : (Iterable<Path>) entries::iterator) {
                    if (ownerDead(p.getFileName().toString())) {
                        deleteTree(p);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("fault-harness: sweeping stale mounts failed: " + e);
        }
    }

    /** Deletes a directory tree that is no longer a mount point; never crosses into a mount. */
    static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        if (!mountsUnder(dir).isEmpty()) {
            throw new IOException("refusing to delete " + dir + ": still mounted " + mountsUnder(dir));
        }
        try (var paths = Files.walk(dir)) {
            List<Path> all = new ArrayList<>();
            paths.forEach(all::add);
            Collections.reverse(all);
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        }
    }
}
