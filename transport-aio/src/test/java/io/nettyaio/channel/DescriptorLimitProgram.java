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

        // A group of three loops with descriptors for two eventfds: the third loop fails, the first two are undone
        takeAllDescriptors();
        release(2);
        Throwable groupFailure = construct(() -> new AioEventLoopGroup(3, 8));
        releaseAll();
        report("group of 3 with 2 descriptors free", groupFailure, problems);

        // The default group, created by the first open(path), at the limit: it fails, and the next open tries again
        takeAllDescriptors();
        Throwable defaultFailure = construct(() -> AioFileChannel.open(file));
        releaseAll();
        report("open(path) creating the default group with no descriptor free", defaultFailure, problems);

        awaitLoopThreadsEnded(problems);
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("aio-blocking")) {
                problems.add("blocking thread left running: " + t.getName());
            }
        }
        String after = NativeResources.summary();
        if (!before.equals(after)) {
            problems.add("native resources before " + before + ", after " + after);
        }
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

    interface Construction {
        Object run() throws Exception;
    }

    private static Throwable construct(Construction c) {
        try {
            Object made = c.run();
            return new AssertionError("expected a failure, got " + made);
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
