package io.nettyaio.examples;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.nettyaio.channel.Aio;
import io.nettyaio.channel.AioEngines;
import io.nettyaio.channel.AioEventLoopGroup;
import io.nettyaio.channel.AioFileChannel;
import io.nettyaio.channel.AioIoUring;
import io.nettyaio.linux.AioAbi;
import io.nettyaio.linux.AioContext;
import io.nettyaio.linux.DioAlignment;
import io.nettyaio.linux.Errno;
import io.nettyaio.linux.IovecArray;
import io.nettyaio.linux.LinuxAio;
import io.nettyaio.linux.NativeFile;
import io.nettyaio.linux.NativeIoException;
import io.nettyaio.linux.NativeLibrary;
import io.nettyaio.linux.NativeMemory;
import io.nettyaio.linux.OpenFlags;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * What this machine and process offer netty-aio, and what the library will do with it: each finding is a real probe
 * (an AIO context, a temporary file with O_DIRECT and RWF_NOWAIT, a channel opened on each kind of loop), never a
 * guess from version numbers. {@link DoctorCommand} prints the findings.
 */
final class Doctor {
    /** The library's settings with their defaults, as the README's settings table lists them. */
    static final Map<String, String> SETTINGS = settings();

    private final Path dir;
    private final Map<String, String> findings = new LinkedHashMap<>();
    private boolean fastPath;

    private Doctor(Path dir) {
        this.dir = dir;
    }

    private static Map<String, String> settings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put(AioEngines.ENGINE_PROP_NAME, "auto");
        s.put(AioEventLoopGroup.QUEUE_DEPTH_PROP_NAME, "256");
        s.put("io.nettyaio.submitBatch", "adaptive");
        s.put("io.nettyaio.waitInGetevents", "true");
        s.put("io.nettyaio.busyPollMicros", "0");
        s.put("io.nettyaio.loopSliceMicros", "100");
        s.put("io.nettyaio.blockingThreads", Integer.toString(Math.max(4, 2 * Runtime.getRuntime()
                .availableProcessors())));
        s.put(AioFileChannel.DIRECT_ALIGNMENT_PROP_NAME, "4096");
        s.put(LinuxAio.DISABLED_PROP_NAME, "false");
        s.put(AioContext.NO_RING_REAPING_PROP_NAME, "false");
        s.put("io.nettyaio.noCachedReadFastPath", "false");
        return s;
    }

    /**
     * Examines the machine, the process and the file system holding {@code dir}.
     *
     * @param dir an existing directory: a small temporary file is created there and deleted
     * @return the findings
     */
    static Doctor examine(Path dir) throws IOException, InterruptedException {
        Doctor d = new Doctor(dir.toAbsolutePath().normalize());
        d.machine();
        d.fileSystem();
        d.engines();
        d.settingsInForce();
        return d;
    }

    /** @return each finding under its name, in the order examined */
    Map<String, String> findings() {
        return findings;
    }

    /** @return whether Linux AIO or io_uring can serve here (the fast path); false: only the blocking engine */
    boolean fastPath() {
        return fastPath;
    }

    private void machine() {
        findings.put("kernel", System.getProperty("os.version") + " (" + System.getProperty("os.arch") + ")");
        findings.put("java", Runtime.version() + " (" + System.getProperty("java.vm.vendor") + ")");
        Throwable aio = Aio.unavailabilityCause();
        findings.put("linux-aio", aio == null ? "available" : "unavailable: " + aio);
        findings.put("fs.aio-nr", sysctl("fs/aio-nr") + " in use of " + sysctl("fs/aio-max-nr")
                + " (fs.aio-max-nr); each AioEventLoop takes its queue depth");
        Throwable uring = AioIoUring.unavailabilityCause();
        findings.put("io_uring", uring == null ? "available" : "unavailable: " + uring);
        String disabled = sysctl("kernel/io_uring_disabled");
        findings.put("kernel.io_uring_disabled", disabled.equals("0") ? "0 (io_uring allowed)"
                : disabled.equals("1") ? "1 (io_uring only for members of kernel.io_uring_group)"
                : disabled.equals("2") ? "2 (io_uring disabled)" : disabled);
        String seccomp = procStatus("Seccomp");
        findings.put("seccomp", seccomp.equals("0") ? "0 (no filter)" : seccomp.equals("1") ? "1 (strict)"
                : seccomp.equals("2") ? "2 (filter: a profile such as Docker's default may refuse io_setup or "
                + "io_uring_setup)" : seccomp);
        fastPath = aio == null || uring == null;
    }

    private static String sysctl(String name) {
        try {
            // one read of a whole line: Files.readString reads a byte first, and a sysctl file answers a read at a
            // non-zero offset with end of file ("65536" came back as "6")
            List<String> lines = Files.readAllLines(Paths.get("/proc/sys", name));
            return lines.isEmpty() ? "empty" : lines.get(0).trim();
        } catch (NoSuchFileException e) {
            return "absent";
        } catch (IOException e) {
            return "unreadable: " + e;
        }
    }

    private static String procStatus(String field) {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
                if (line.startsWith(field + ":")) {
                    return line.substring(field.length() + 1).trim();
                }
            }
            return "absent";
        } catch (IOException e) {
            return "unreadable: " + e;
        }
    }

    private void fileSystem() throws IOException {
        String type;
        try {
            type = Files.getFileStore(dir).type();
        } catch (IOException e) {
            type = "unknown file system";
        }
        findings.put("path", dir + " (" + type + ")");
        if (!NativeLibrary.isLoaded()) {
            String why = "not probed: the native binding did not load (" + NativeLibrary.loadError() + ")";
            findings.put("RWF_NOWAIT", why);
            findings.put("STATX_DIOALIGN", why);
            findings.put("O_DIRECT", why);
            return;
        }
        Path probe = Files.createTempFile(dir, "netty-aio-doctor-", ".tmp");
        try {
            Files.write(probe, new byte[4096]); // just written: in the page cache
            findings.put("RWF_NOWAIT", nowait(probe));
            findings.put("STATX_DIOALIGN", dioAlignment(probe));
            findings.put("O_DIRECT", direct(probe));
        } finally {
            Files.deleteIfExists(probe);
        }
    }

    /** A synchronous preadv2(RWF_NOWAIT) of a cached page: what the cached-read fast path and every AIO read use. */
    private static String nowait(Path file) {
        NativeMemory mem = NativeMemory.allocate(4096, 4096);
        IovecArray iov = new IovecArray(1);
        try (NativeFile f = NativeFile.open(file.toString(), OpenFlags.RDONLY, 0)) {
            iov.set(0, mem.address(), 4096);
            long res = f.preadv2(iov, 1, 0, AioAbi.RWF_NOWAIT);
            if (res == -Errno.EOPNOTSUPP) {
                return "not supported (EOPNOTSUPP): buffered reads and writes here go to the blocking lane";
            }
            if (res == -Errno.EAGAIN) {
                return "supported (EAGAIN: the page was not cached)";
            }
            return "supported: a cached buffered read is one preadv2 on the loop";
        } catch (NativeIoException e) {
            return "error: " + e.getMessage();
        } finally {
            iov.free();
            mem.free();
        }
    }

    private static String dioAlignment(Path file) {
        try (NativeFile f = NativeFile.open(file.toString(), OpenFlags.RDONLY, 0)) {
            DioAlignment a = f.dioAlignment();
            if (!a.isReported()) {
                return "not reported: " + System.getProperty(AioFileChannel.DIRECT_ALIGNMENT_PROP_NAME, "4096")
                        + " assumed (" + AioFileChannel.DIRECT_ALIGNMENT_PROP_NAME + ")";
            }
            return "memory " + a.memoryAlignment() + ", offset " + a.offsetAlignment();
        } catch (NativeIoException e) {
            return "error: " + e.getMessage();
        }
    }

    @SuppressWarnings("try") // opened only to learn whether the file system accepts O_DIRECT
    private static String direct(Path file) {
        try (NativeFile f = NativeFile.open(file.toString(), OpenFlags.RDONLY | OpenFlags.DIRECT, 0)) {
            return "supported: AioOpenOption.DIRECT bypasses the page cache";
        } catch (NativeIoException e) {
            return "refused (" + e.errnoName() + "): AioOpenOption.DIRECT fails here";
        }
    }

    /** Opens a file on each kind of loop and reports the engine it got and where its completions run. */
    private void engines() throws IOException, InterruptedException {
        Path probe = Files.createTempFile(dir, "netty-aio-doctor-", ".tmp");
        try {
            findings.put("AioEventLoop", ownLoop(probe));
            findings.put("Netty epoll loop", nettyLoop(probe, "io.netty.channel.epoll.Epoll",
                    "io.netty.channel.epoll.EpollIoHandler"));
            findings.put("Netty io_uring loop", nettyLoop(probe, "io.netty.channel.uring.IoUring",
                    "io.netty.channel.uring.IoUringIoHandler"));
            findings.put("other executor", otherExecutor(probe));
        } finally {
            Files.deleteIfExists(probe);
        }
    }

    private static String otherExecutor(Path probe) {
        try {
            return engineOn(probe, ImmediateEventExecutor.INSTANCE);
        } catch (IOException | RuntimeException e) {
            return "cannot open a file: " + why(e);
        }
    }

    /** @return the exception's message, and its cause's: "failed to create a child event loop" alone says little */
    private static String why(Throwable e) {
        Throwable cause = e.getCause();
        return e.getMessage() + (cause != null && cause != e ? ": " + cause.getMessage() : "");
    }

    /** Even creating a loop can fail (fs.aio-max-nr exhausted): the answer is then why. */
    private static String ownLoop(Path probe) throws InterruptedException {
        AioEventLoopGroup own;
        try {
            own = new AioEventLoopGroup(1, 8);
        } catch (RuntimeException e) {
            return "cannot start one: " + why(e);
        }
        try {
            return engineOn(probe, own.next());
        } catch (IOException | RuntimeException e) {
            return "cannot open a file on it: " + why(e);
        } finally {
            own.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
        }
    }

    private static String engineOn(Path file, EventExecutor executor) throws IOException {
        try (AioFileChannel ch = AioFileChannel.open(file, executor)) {
            return ch.engine() + (ch.completionLoop() == executor ? ", completions and listeners on the loop"
                    : " on a default-group AioEventLoop; listeners on the executor");
        }
    }

    /** Netty's native transports are optional here: found and started by reflection, only when present. */
    private static String nettyLoop(Path file, String availability, String handler) throws InterruptedException {
        IoHandlerFactory factory;
        try {
            Class<?> a = Class.forName(availability);
            Throwable cause = (Throwable) a.getMethod("unavailabilityCause").invoke(null);
            if (cause != null) {
                return "Netty's transport is unavailable: " + cause;
            }
            factory = (IoHandlerFactory) Class.forName(handler).getMethod("newFactory").invoke(null);
        } catch (ClassNotFoundException | LinkageError e) {
            return "Netty's transport is not on the class path";
        } catch (ReflectiveOperationException e) {
            return "Netty's transport cannot start: " + e;
        }
        EventExecutorGroup group;
        try {
            group = new MultiThreadIoEventLoopGroup(1, factory);
        } catch (RuntimeException e) {
            return "cannot start one: " + why(e);
        }
        try {
            return engineOn(file, group.next());
        } catch (IOException | RuntimeException e) {
            return "cannot open a file on it: " + why(e);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
        }
    }

    private void settingsInForce() {
        Properties props = System.getProperties();
        TreeSet<String> unknown = new TreeSet<>();
        for (String name : props.stringPropertyNames()) {
            if (name.startsWith("io.nettyaio.") && !SETTINGS.containsKey(name)) {
                unknown.add(name);
            }
        }
        for (Map.Entry<String, String> s : SETTINGS.entrySet()) {
            String value = props.getProperty(s.getKey());
            findings.put(s.getKey(), value == null ? s.getValue() + " (default)" : value + " (set)");
        }
        for (String name : unknown) {
            findings.put(name, props.getProperty(name) + " (set; not a setting of this version)");
        }
        findings.put("verdict", fastPath ? "the fast path is available (" + fastEngines() + ")"
                : "only the fallback: every request runs on blocking threads");
    }

    private static String fastEngines() {
        List<String> engines = new ArrayList<>();
        if (Aio.isAvailable()) {
            engines.add(AioEngines.LINUX_AIO);
        }
        if (AioIoUring.isAvailable()) {
            engines.add(AioEngines.IO_URING);
        }
        return String.join(", ", engines);
    }
}
