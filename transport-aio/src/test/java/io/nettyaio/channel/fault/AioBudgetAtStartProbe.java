package io.nettyaio.channel.fault;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.Future;
import io.nettyaio.channel.AioEventLoop;
import io.nettyaio.channel.AioEventLoopGroup;
import io.nettyaio.channel.AioFileChannel;
import io.nettyaio.channel.AioMetrics;
import io.nettyaio.linux.LinuxAio;
import io.nettyaio.linux.NativeIoException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Run by {@link AioBudgetAtStartTest} in a child JVM, as root: lowers {@code fs.aio-max-nr} to what is in use, makes
 * the JVM's first use of Linux AIO (the probe, then a loop), restores the limit at once, and checks that Linux AIO
 * comes back. Exits 0 when all holds, 3 when another process freed a context meanwhile (the probe had room: try
 * again), else 1.
 *
 * <pre>AioBudgetAtStartProbe ORIGINAL_AIO_MAX_NR FILE</pre>
 */
public final class AioBudgetAtStartProbe {
    static final int RACED = 3;
    private static final Path AIO_MAX_NR = Paths.get("/proc/sys/fs/aio-max-nr");
    private static final Path AIO_NR = Paths.get("/proc/sys/fs/aio-nr");
    private static final String CONTENT = "the budget is back";

    private AioBudgetAtStartProbe() { }

    public static void main(String[] args) {
        try {
            System.exit(run(Long.parseLong(args[0]), Paths.get(args[1])));
        } catch (Throwable t) {
            System.out.println("AIO-BUDGET-PROBE FAILED: " + t);
            t.printStackTrace(System.out);
            System.exit(1);
        }
    }

    private static int run(long original, Path file) throws Exception {
        Files.write(file, CONTENT.getBytes(StandardCharsets.US_ASCII));
        AioEventLoopGroup group;
        AioEventLoop loop;
        try {
            writeProc(AIO_MAX_NR, readProc(AIO_NR)); // no room for a single context
            boolean available = LinuxAio.isAvailable();
            Throwable shortage = LinuxAio.transientFailureCause();
            if (available && shortage == null) {
                System.out.println("AIO-BUDGET-PROBE RACED: another process freed a context meanwhile");
                return RACED;
            }
            check(available, "an exhausted fs.aio-max-nr must not disable Linux AIO for the process: "
                    + LinuxAio.unavailabilityCause());
            check(shortage instanceof NativeIoException
                    && ((NativeIoException) shortage).errnoName().equals("EAGAIN")
                    && ((NativeIoException) shortage).operation().equals("io_setup"), "the probe names io_setup "
                    + "EAGAIN: " + shortage);
            group = new AioEventLoopGroup(1, 8);
            loop = group.next();
        } finally {
            writeProc(AIO_MAX_NR, original);
        }
        try {
            check(!loop.usesAio(), "the loop starts on blocking threads");
            AioMetrics m = loop.metrics();
            check(m.degradations() == 1 && m.lastDegradation().contains("EAGAIN"), "one degradation naming EAGAIN: "
                    + m + ", " + m.lastDegradation());
            try (AioFileChannel ch = AioFileChannel.open(file, loop)) {
                readBack(ch);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                while (!"linux-aio".equals(m.engine())) {
                    check(System.nanoTime() - deadline < 0, "no switch to linux-aio within 15 s: " + m);
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
                }
                long kernelReads = m.submitted() + m.cachedReads();
                readBack(ch);
                check(m.submitted() + m.cachedReads() == kernelReads + 1, "served by Linux AIO now: " + m);
                check(LinuxAio.transientFailureCause() == null && LinuxAio.isAvailable(), "the probe finished: "
                        + LinuxAio.transientFailureCause());
            }
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
        System.out.println("AIO-BUDGET-PROBE OK");
        return 0;
    }

    static long readProc(Path p) throws Exception {
        // One line read, not readAllBytes/readString: a sysctl read at a non-zero offset is end of file
        return Long.parseLong(Files.readAllLines(p, StandardCharsets.US_ASCII).get(0).trim());
    }

    static void writeProc(Path p, long value) throws Exception {
        Files.writeString(p, value + "\n", StandardCharsets.US_ASCII);
    }

    private static void readBack(AioFileChannel ch) throws Exception {
        ByteBuf dst = Unpooled.directBuffer(CONTENT.length(), CONTENT.length());
        try {
            Future<Integer> f = ch.read(dst, 0);
            check(f.await(30, TimeUnit.SECONDS), "read completes");
            if (!f.isSuccess()) {
                throw new AssertionError("read failed", f.cause());
            }
            check(dst.toString(StandardCharsets.US_ASCII).equals(CONTENT), "read back " + dst);
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
