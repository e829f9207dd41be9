package io.nettyaio.channel.fault;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.nettyaio.channel.AioEventLoop;
import io.nettyaio.channel.AioEventLoopGroup;
import io.nettyaio.channel.AioFileChannel;
import io.nettyaio.channel.AioMetrics;
import io.nettyaio.linux.LinuxAio;
import io.nettyaio.linux.NativeIoException;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * Run by {@link DescriptorExhaustionTest} in a child JVM: uses up every descriptor of the process, then makes the
 * library's first use of Linux AIO, frees the descriptors and checks that Linux AIO comes back. Exits 0 when all
 * holds, else prints why and exits 1.
 *
 * <p>The classes and jars are loaded, and logging set up, before the descriptors are used up: the JVM needs
 * descriptors to load a class from a directory or to open a jar, and an application that runs out of descriptors
 * has long loaded its classes. What is left to happen at EMFILE is what the library does on first use.
 */
public final class DescriptorExhaustionProbe {
    private static final String CONTENT = "descriptors are back";
    private DescriptorExhaustionProbe() { }

    public static void main(String[] args) {
        try {
            run(Paths.get(args[0]));
            System.out.println("EMFILE-PROBE OK");
            System.exit(0);
        } catch (Throwable t) {
            System.out.println("EMFILE-PROBE FAILED: " + t);
            t.printStackTrace(System.out);
            System.exit(1);
        }
    }

    private static void run(Path file) throws Exception {
        warmUp();
        List<FileInputStream> held = new ArrayList<>();
        AioEventLoopGroup group;
        AioEventLoop loop;
        try {
            try {
                while (true) {
                    held.add(new FileInputStream("/dev/null"));
                }
            } catch (IOException expected) {
                // every descriptor is in use
            }
            check(held.size() > 0, "descriptors were used up");
            // The first use of Linux AIO, with no descriptor free
            check(LinuxAio.isAvailable(), "Linux AIO must not be disabled for the process by EMFILE: "
                    + LinuxAio.unavailabilityCause());
            Throwable shortage = LinuxAio.transientFailureCause();
            check(shortage instanceof NativeIoException
                    && ((NativeIoException) shortage).errnoName().equals("EMFILE"), "the probe names EMFILE: "
                    + shortage);
            group = new AioEventLoopGroup(1, 8);
            loop = group.next();
            check(!loop.usesAio(), "the loop starts on blocking threads");
            AioMetrics m = loop.metrics();
            check(m.degradations() == 1 && m.lastDegradation().contains("EMFILE"), "one degradation naming EMFILE: "
                    + m + ", " + m.lastDegradation());
        } finally {
            for (FileInputStream in : held) {
                in.close();
            }
        }
        try {
            Files.write(file, CONTENT.getBytes(StandardCharsets.US_ASCII));
            try (AioFileChannel ch = AioFileChannel.open(file, loop)) {
                readBack(ch);
                AioMetrics m = loop.metrics();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                while (!"linux-aio".equals(m.engine())) {
                    check(System.nanoTime() - deadline < 0, "no switch to linux-aio within 15 s: " + m);
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
                }
                check(loop.usesAio(), "the loop uses Linux AIO now");
                long kernelReads = m.submitted() + m.cachedReads();
                readBack(ch);
                check(m.submitted() + m.cachedReads() == kernelReads + 1, "the file opened before the switch is "
                        + "served by Linux AIO: " + m);
                check(LinuxAio.transientFailureCause() == null, "the probe finished: "
                        + LinuxAio.transientFailureCause());
            }
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }

    /** Loads every class and opens every jar of the class path, and sets up logging, so that nothing else needs a
     *  descriptor later. Touches nothing that loads the native binding. */
    private static void warmUp() throws Exception {
        ClassLoader loader = DescriptorExhaustionProbe.class.getClassLoader();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path root = Paths.get(entry);
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(root)) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    String rel = root.relativize(p).toString();
                    if (rel.endsWith(".class") && !rel.contains("-")) {
                        Class.forName(rel.substring(0, rel.length() - 6).replace(File.separatorChar, '.'), false,
                                loader);
                    }
                }
            }
        }
        loader.getResource("no/such/resource"); // a lookup that fails opens every jar on the class path
        InternalLoggerFactory.getInstance(DescriptorExhaustionProbe.class).info("using up every descriptor");
        Unpooled.directBuffer(1).release();
        new DefaultEventExecutorGroup(1).shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
    }

    private static void readBack(AioFileChannel ch) throws Exception {
        // Exactly the file's length: a cached read that fills it is settled on the loop (a short one asks a thread)
        ByteBuf dst = Unpooled.directBuffer(CONTENT.length(), CONTENT.length());
        try {
            Future<Integer> f = ch.read(dst, 0);
            check(f.await(30, TimeUnit.SECONDS), "read completes");
            if (!f.isSuccess()) {
                throw new AssertionError("read failed", f.cause());
            }
            String got = dst.toString(StandardCharsets.US_ASCII);
            check(got.equals(CONTENT), "read back '" + got + "'");
        } finally {
            dst.release();
        }
    }

    private static void check(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError(what);
        }
    }
}
