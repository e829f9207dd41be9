package io.nettyaio.examples;

import io.nettyaio.channel.Aio;
import io.nettyaio.channel.AioEventLoopGroup;
import io.nettyaio.channel.AioFileChannel;
import io.nettyaio.channel.AioIoUring;
import io.nettyaio.channel.AioOpenOption;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code doctor}, line by line, against what this machine says through another door: {@code uname}, {@code df},
 * {@code /proc}, the JDK's own O_DIRECT, the library's availability classes and a loop of its own. One test per line.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DoctorCommandTest {
    private static final String UNKNOWN_SETTING = "io.nettyaio.doctorTestUnknown";
    private static Path dir;
    private static int status;
    private static List<String> lines;
    private static Map<String, String> report;

    @BeforeAll
    static void runDoctor() throws Exception {
        dir = TestFiles.dir("doctor");
        System.setProperty(UNKNOWN_SETTING, "x");
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            status = DoctorCommand.run(new String[] {dir.toString()}, new PrintStream(out, true,
                    StandardCharsets.UTF_8), System.err);
            lines = List.of(out.toString(StandardCharsets.UTF_8).split("\n"));
            report = parse(lines);
        } finally {
            System.clearProperty(UNKNOWN_SETTING);
        }
    }

    @AfterAll
    static void noTemporaryFileLeft() throws IOException {
        try (var files = Files.list(dir)) {
            assertEquals(List.of(), files.collect(Collectors.toList()), "the probe files are deleted");
        }
    }

    /** Each line is a name, two or more spaces, and a value; the values start in one column. */
    private static Map<String, String> parse(List<String> lines) {
        Map<String, String> m = new LinkedHashMap<>();
        int column = -1;
        for (String line : lines) {
            Matcher x = Pattern.compile("^(\\S+(?: \\S+)*?)( {2,})(\\S.*)$").matcher(line);
            assertTrue(x.matches(), "name, then value: '" + line + "'");
            int c = x.group(1).length() + x.group(2).length();
            assertTrue(column < 0 || column == c, "values line up: '" + line + "'");
            column = c;
            m.put(x.group(1), x.group(3));
        }
        return m;
    }

    @Test
    void shouldPrintEveryLineInOrderAndExitZeroWhereTheFastPathIs() {
        List<String> expected = new ArrayList<>(List.of("kernel", "java", "linux-aio", "fs.aio-nr", "io_uring",
                "kernel.io_uring_disabled", "seccomp", "path", "RWF_NOWAIT", "STATX_DIOALIGN", "O_DIRECT",
                "AioEventLoop", "Netty epoll loop", "Netty io_uring loop", "other executor"));
        expected.addAll(Doctor.SETTINGS.keySet());
        expected.add(UNKNOWN_SETTING);
        expected.add("verdict");
        assertEquals(expected, new ArrayList<>(report.keySet()), String.join("\n", lines));
        assertEquals(Aio.isAvailable() || AioIoUring.isAvailable() ? 0 : 1, status);
    }

    @Test
    void kernelIsWhatUnameSays() throws Exception {
        assertEquals(command("uname", "-r") + " (" + System.getProperty("os.arch") + ")", report.get("kernel"));
    }

    @Test
    void javaIsThisRuntime() {
        assertTrue(report.get("java").startsWith(Runtime.version() + " ("), report.get("java"));
    }

    @Test
    void linuxAioIsWhatTheProbeFound() {
        assertEquals(Aio.isAvailable() ? "available" : "unavailable: " + Aio.unavailabilityCause(),
                report.get("linux-aio"));
    }

    @Test
    void aioNrIsReadFromProc() throws Exception {
        Matcher m = Pattern.compile("(\\d+) in use of (\\d+) \\(fs\\.aio-max-nr\\).*").matcher(report.get("fs.aio-nr"));
        assertTrue(m.matches(), report.get("fs.aio-nr"));
        // other processes on this machine open and close contexts meanwhile: the limit is what stands still
        assertTrue(Long.parseLong(m.group(1)) >= 0);
        assertEquals(command("cat", "/proc/sys/fs/aio-max-nr"), m.group(2), "as cat reads it, every digit");
    }

    @Test
    void ioUringIsWhatTheProbeFound() {
        assertEquals(AioIoUring.isAvailable() ? "available" : "unavailable: " + AioIoUring.unavailabilityCause(),
                report.get("io_uring"));
    }

    @Test
    void ioUringDisabledIsTheSysctl() throws Exception {
        Path sysctl = Paths.get("/proc/sys/kernel/io_uring_disabled");
        Assumptions.assumeTrue(Files.exists(sysctl), "kernel before 6.6");
        String value = Files.readString(sysctl).trim();
        assertTrue(report.get("kernel.io_uring_disabled").startsWith(value + " ("), report.get(
                "kernel.io_uring_disabled"));
    }

    @Test
    void seccompIsThisProcessMode() throws Exception {
        String mode = Files.readAllLines(Paths.get("/proc/self/status")).stream()
                .filter(l -> l.startsWith("Seccomp:")).findFirst().orElseThrow().substring(8).trim();
        assertTrue(report.get("seccomp").startsWith(mode + " ("), report.get("seccomp"));
    }

    @Test
    void pathIsTheDirectoryAndItsFileSystem() throws Exception {
        String type = command("df", "--output=fstype", dir.toString()).split("\n")[1].trim();
        assertEquals(dir + " (" + type + ")", report.get("path"));
    }

    @Test
    void rwfNowaitIsSupportedOnADiskFileSystemAndNotOnTmpfs() throws Exception {
        Assumptions.assumeTrue(report.get("path").endsWith("(ext4)") || report.get("path").endsWith("(xfs)"),
                "a disk file system with RWF_NOWAIT reads");
        assertTrue(report.get("RWF_NOWAIT").startsWith("supported"), report.get("RWF_NOWAIT"));
        Path shm = Paths.get("/dev/shm");
        Assumptions.assumeTrue(Files.isDirectory(shm) && Files.isWritable(shm), "no /dev/shm");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DoctorCommand.run(new String[] {shm.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8),
                System.err);
        Map<String, String> tmpfs = parse(List.of(out.toString(StandardCharsets.UTF_8).split("\n")));
        assertEquals("/dev/shm (tmpfs)", tmpfs.get("path"));
        assertTrue(tmpfs.get("RWF_NOWAIT").startsWith("not supported (EOPNOTSUPP)"), tmpfs.get("RWF_NOWAIT"));
    }

    @Test
    void dioAlignmentIsWhatADirectChannelRequires() throws Exception {
        Path file = dir.getParent().resolve("doctor-dio.dat");
        Files.write(file, new byte[4096]);
        try (AioFileChannel ch = AioFileChannel.open(file, StandardOpenOption.READ, AioOpenOption.DIRECT)) {
            String line = report.get("STATX_DIOALIGN");
            assertTrue(line.equals("memory " + ch.memoryAlignment() + ", offset " + ch.offsetAlignment())
                    || line.startsWith("not reported: " + ch.alignment() + " assumed"), line + " vs " + ch.alignment());
        } finally {
            Files.delete(file);
        }
    }

    @Test
    void directIsWhatTheJdkFinds() throws Exception {
        Path file = dir.getParent().resolve("doctor-direct.dat");
        Files.write(file, new byte[4096]);
        boolean jdk;
        try {
            FileChannel.open(file, StandardOpenOption.READ, com.sun.nio.file.ExtendedOpenOption.DIRECT).close();
            jdk = true;
        } catch (IOException e) {
            jdk = false;
        } finally {
            Files.delete(file);
        }
        assertEquals(jdk, report.get("O_DIRECT").startsWith("supported"), report.get("O_DIRECT"));
    }

    @Test
    void aioEventLoopGetsTheEngineOfOurOwnLoops() throws Exception {
        AioEventLoopGroup group = new AioEventLoopGroup(1, 8);
        try {
            assertEquals(group.next().engine() + ", completions and listeners on the loop",
                    report.get("AioEventLoop"));
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void nettyEpollLoopRunsLinuxAioOnTheLoopItself() throws Exception {
        Assumptions.assumeTrue(available("io.netty.channel.epoll.Epoll") && Aio.isAvailable());
        assertEquals("linux-aio, completions and listeners on the loop", report.get("Netty epoll loop"));
    }

    @Test
    void nettyIoUringLoopRunsIoUringOnTheLoopItself() throws Exception {
        Assumptions.assumeTrue(available("io.netty.channel.uring.IoUring") && AioIoUring.isAvailable());
        assertEquals("io_uring, completions and listeners on the loop", report.get("Netty io_uring loop"));
    }

    @Test
    void otherExecutorsHaveADefaultGroupLoopReapForThem() {
        assertTrue(report.get("other executor").endsWith(" on a default-group AioEventLoop; listeners on the "
                + "executor"), report.get("other executor"));
    }

    @Test
    void settingsAreTheReadmeTableWithTheirDefaults() throws Exception {
        List<String> readme = Files.readAllLines(Paths.get("..", "README.md"));
        Pattern row = Pattern.compile("^\\| `(io\\.nettyaio\\.\\w+)` \\| ([^|]+) \\|.*");
        Map<String, String> table = new LinkedHashMap<>();
        int from = readme.indexOf("### Settings (system properties)");
        assertTrue(from >= 0, "the README's settings section");
        for (String l : readme.subList(from + 1, readme.size())) {
            if (l.startsWith("#")) {
                break;
            }
            Matcher m = row.matcher(l);
            if (m.matches()) {
                table.put(m.group(1), m.group(2).trim());
            }
        }
        assertEquals(table.keySet(), Doctor.SETTINGS.keySet(), "every setting of the README, and no other");
        for (String name : Doctor.SETTINGS.keySet()) {
            assertTrue(report.get(name).endsWith(" (default)"), name + " " + report.get(name));
        }
        assertEquals("256 (default)", report.get("io.nettyaio.queueDepth"));
        assertEquals("auto (default)", report.get("io.nettyaio.engine"));
    }

    @Test
    void anUnknownSettingIsNamed() {
        assertEquals("x (set; not a setting of this version)", report.get(UNKNOWN_SETTING));
    }

    @Test
    void verdictNamesTheFastEngines() {
        Assumptions.assumeTrue(Aio.isAvailable() && AioIoUring.isAvailable());
        assertEquals("the fast path is available (linux-aio, io_uring)", report.get("verdict"));
    }

    @Test
    void shouldExitOneWhereOnlyTheFallbackServes() throws Exception {
        // no Linux AIO (switched off) and no io_uring (its jars left out): only the blocking engine
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Dio.nettyaio.noAio=true");
        cmd.add("-cp");
        cmd.add(List.of(System.getProperty("java.class.path").split(File.pathSeparator)).stream()
                .filter(e -> !e.contains("io_uring")).collect(Collectors.joining(File.pathSeparator)));
        cmd.add(Main.class.getName());
        cmd.add("doctor");
        cmd.add(dir.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child JVM exits");
        assertEquals(1, p.exitValue(), out);
        assertTrue(out.contains("verdict                           only the fallback: every request runs on blocking "
                + "threads") || out.matches("(?s).*\nverdict +only the fallback.*"), out);
        assertTrue(out.matches("(?s).*\nAioEventLoop +blocking, completions and listeners on the loop\n.*"), out);
        assertTrue(out.matches("(?s).*\nio\\.nettyaio\\.noAio +true \\(set\\)\n.*"), out);
    }

    @Test
    void shouldRefuseAPathThatIsNoDirectory() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int s = DoctorCommand.run(new String[] {dir.resolve("missing").toString()}, System.out,
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, s);
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("doctor: PATH: '" + dir.resolve("missing")
                + "' (expected: an existing directory)"), err.toString(StandardCharsets.UTF_8));
    }

    private static boolean available(String className) {
        try {
            return (Boolean) Class.forName(className).getMethod("isAvailable").invoke(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            return false;
        }
    }

    private static String command(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
