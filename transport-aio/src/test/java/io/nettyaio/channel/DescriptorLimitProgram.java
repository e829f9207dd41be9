package io.nettyaio.channel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.nettyaio.linux.NativeResources;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Run by {@link GroupStartFailureTest} in a JVM of its own under {@code ulimit -n 256}: takes every free descriptor,
 * then creates groups that cannot get their eventfds. Prints what it saw; exits with 1 (and why) when a failed
 * construction left a thread, an eventfd or a context behind, and returns from main otherwise.
 */
public final class DescriptorLimitProgram {
    private static final List<RandomAccessFile> HELD = new ArrayList<>();

    private DescriptorLimitProgram() { }

    /** @param args the file to read */
    public static void main(String[] args) throws Exception {
        Path file = Paths.get(args[0]);
        // Every class is loaded now: loading one from a class directory (or a jar not yet open) takes a descriptor.
        // Then a warm-up on a group of our own (the default group must first be created at the limit).
        loadEveryClassOfTheClassDirectories();
        AioEventLoopGroup warm = new AioEventLoopGroup(1, 8);
        readOnce(AioFileChannel.open(file, warm.next()));
        warm.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
        String before = NativeResources.summary();
        List<String> problems = new ArrayList<>();

        // Logging formats a timestamp, and the time-zone data is read from a file on first use: read it now
        java.util.logging.Logger.getLogger(DescriptorLimitProgram.class.getName()).fine("warm");
        java.time.ZonedDateTime.now().toString();

        // A group of three loops with descriptors for two eventfds: a shortage that passes, so the loops that cannot
        // have an eventfd start on blocking threads and say why (or, were it not, the group would fail, naming the
        // limit); either way, once the group is gone nothing of it is left behind
        java.util.Set<Thread> blockingBefore = blockingThreads();
        takeAllDescriptors();
        release(2);
        AioEventLoopGroup[] group = new AioEventLoopGroup[1];
        Throwable groupFailure = construct(() -> group[0] = new AioEventLoopGroup(3, 8));
        releaseAll();
        if (group[0] != null) {
            StringBuilder why = new StringBuilder();
            for (io.netty.util.concurrent.EventExecutor e : group[0]) {
                AioMetrics m = ((AioEventLoop) e).metrics();
                if (m.degradations() > 0) {
                    why.append(m.lastDegradation());
                }
            }
            System.out.println("group of 3 with 2 descriptors free started degraded: " + why);
            if (!why.toString().contains("EMFILE") || !why.toString().contains("ulimit -n")) {
                problems.add("a degraded loop should say EMFILE and how to raise ulimit -n, said: " + why);
            }
            readOnce(AioFileChannel.open(file, group[0].next()));
            group[0].shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
        } else {
            report("group of 3 with 2 descriptors free", groupFailure, problems);
        }
        // The group's blocking pool is shut down as the group terminates; its threads end just after
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (Thread t : blockingThreads()) {
            if (!blockingBefore.contains(t)) {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                if (t.isAlive()) {
                    problems.add("blocking thread of the group of 3 left running: " + t.getName());
                }
            }
        }

        // Nothing of the group of three is left. Checked before the default group below: that one stays (it is
        // never shut down), starts on blocking threads at the limit, and takes an eventfd and a context whenever its
        // retry, once a second, finds descriptors again: a count taken after it depended on that timing.
        String after = NativeResources.summary();
        if (!before.equals(after)) {
            problems.add("native resources before " + before + ", after " + after);
        }

        // The default group, created by the first open(path), at the limit: it fails, and the next open tries again
        takeAllDescriptors();
        Throwable defaultFailure = construct(() -> AioFileChannel.open(file));
        releaseAll();
        report("open(path) creating the default group with no descriptor free", defaultFailure, problems);

        awaitLoopThreadsEnded(problems);
        readOnce(AioFileChannel.open(file)); // with descriptors back, the default group is created
        System.out.println("open(path) works once descriptors are free again");
        if (!problems.isEmpty()) {
            System.out.println("PROBLEMS: " + problems);
            System.exit(1);
        }
    }

    private static void loadEveryClassOfTheClassDirectories() throws IOException, ClassNotFoundException {
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path dir = Paths.get(entry);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            List<String> names = new ArrayList<>();
            try (Stream<Path> files = Files.walk(dir)) {
                files.map(p -> dir.relativize(p).toString()).filter(n -> n.endsWith(".class"))
                        .forEach(n -> names.add(n.substring(0, n.length() - 6).replace(File.separatorChar, '.')));
            }
            for (String name : names) {
                if (!name.endsWith("package-info")) {
                    Class.forName(name, false, DescriptorLimitProgram.class.getClassLoader());
                }
            }
        }
    }

    private static java.util.Set<Thread> blockingThreads() {
        java.util.Set<Thread> threads = new java.util.HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("aio-blocking")) {
                threads.add(t);
            }
        }
        return threads;
    }

    interface Construction {
        Object run() throws Exception;
    }

    private static Throwable construct(Construction c) {
        try {
            Object made = c.run();
            return made instanceof AioEventLoopGroup ? null : new AssertionError("expected a failure, got " + made);
        } catch (Throwable t) {
            return t;
        }
    }

    private static void report(String what, Throwable failure, List<String> problems) {
        StringBuilder chain = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            chain.append(chain.length() == 0 ? "" : " <- ").append(t);
        }
        System.out.println(what + ": " + chain);
        if (!chain.toString().contains("EMFILE") || !chain.toString().contains("ulimit -n")) {
            problems.add(what + ": expected an EMFILE failure that says how to raise ulimit -n, got " + chain);
        }
    }

    private static void readOnce(AioFileChannel ch) throws Exception {
        ByteBuf dst = Unpooled.directBuffer(16);
        try {
            ch.read(dst, 0).sync();
        } finally {
            dst.release();
            ch.close();
        }
    }

    private static void takeAllDescriptors() {
        try {
            while (true) {
                HELD.add(new RandomAccessFile("/dev/null", "r"));
            }
        } catch (IOException e) {
            // EMFILE: every descriptor is taken
        }
    }

    private static void release(int n) throws IOException {
        for (int i = 0; i < n; i++) {
            HELD.remove(HELD.size() - 1).close();
        }
    }

    private static void releaseAll() throws IOException {
        release(HELD.size());
    }

    /** The loops a failed construction created were shut down and awaited: their threads end. */
    private static void awaitLoopThreadsEnded(List<String> problems) throws InterruptedException {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("aio-loop") || t.getName().startsWith("aio-default")) {
                t.join(TimeUnit.SECONDS.toMillis(10));
                if (t.isAlive()) {
                    problems.add("loop thread left running: " + t.getName());
                }
            }
        }
    }
}
