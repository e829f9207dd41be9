package io.nettyaio.channel.fault;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.Future;
import io.nettyaio.channel.Aio;
import io.nettyaio.channel.AioBuffers;
import io.nettyaio.channel.AioEventLoop;
import io.nettyaio.channel.AioEventLoopGroup;
import io.nettyaio.channel.AioFileChannel;
import io.nettyaio.channel.AioMetrics;
import io.nettyaio.channel.AioOpenOption;
import io.nettyaio.linux.LinuxAio;
import io.nettyaio.linux.NativeFile;
import io.nettyaio.linux.NativeIoException;
import io.nettyaio.linux.NativeThread;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Run by {@link SeccompTest} in a child JVM under a seccomp filter: checks what the library makes of the refused
 * system call, from the inside, and exits 0 when all holds (else prints why and exits 1).
 *
 * <pre>
 * SeccompProbe unavailable NAME ERRNO FILE   Linux AIO unavailable, the cause naming NAME and ERRNO; files still work
 * SeccompProbe preadv2-probed ERRNO FILE     the probe found preadv2 refused; buffered reads go to Linux AIO
 * SeccompProbe preadv2-at-read FILE          the probe found preadv2 fine, the first read meets the refusal
 * SeccompProbe statx-refused FILE            files open, know their size, and are read, buffered and O_DIRECT
 * SeccompProbe timerfd-refused FILE          the loop runs Linux AIO and its scheduled tasks, one degradation said
 * SeccompProbe slice-refused FILE            the loop keeps the kernel's time slice and serves as ever, no degradation
 * </pre>
 */
public final class SeccompProbe {
    private static final int READS = 5;

    private SeccompProbe() { }

    public static void main(String[] args) {
        System.out.println("SECCOMP-PROBE STARTED");
        try {
            switch (args[0]) {
                case "unavailable":
                    unavailable(args[1], args[2], Paths.get(args[3]));
                    break;
                case "preadv2-probed":
                    preadv2(args[1], Paths.get(args[2]));
                    break;
                case "preadv2-at-read":
                    preadv2(null, Paths.get(args[1]));
                    break;
                case "statx-refused":
                    statxRefused(Paths.get(args[1]));
                    break;
                case "timerfd-refused":
                    timerfdRefused(Paths.get(args[1]));
                    break;
                case "slice-refused":
                    sliceRefused(Paths.get(args[1]));
                    break;
                default:
                    throw new IllegalArgumentException("unknown mode " + args[0]);
            }
            System.out.println("SECCOMP-PROBE OK");
            System.exit(0);
        } catch (Throwable t) {
            System.out.println("SECCOMP-PROBE FAILED: " + t);
            t.printStackTrace(System.out);
            System.exit(1);
        }
    }

    private static void unavailable(String syscall, String errno, Path file) throws Exception {
        check(!Aio.isAvailable(), "Linux AIO must be unavailable");
        Throwable cause = Aio.unavailabilityCause();
        check(cause instanceof NativeIoException, "cause is a NativeIoException: " + cause);
        NativeIoException e = (NativeIoException) cause;
        check(e.operation().equals(syscall) && e.errnoName().equals(errno), "cause names " + syscall + " and "
                + errno + ": " + e.getMessage());
        AioEventLoopGroup group = new AioEventLoopGroup(1, 8);
        try {
            AioEventLoop loop = group.next();
            check(!loop.usesAio(), "the loop runs the fallback engine");
            readBack(loop, file, "served without Linux AIO");
            AioMetrics m = loop.metrics();
            check(m.degradations() == 1 && m.lastDegradation().contains(syscall), "one degradation naming "
                    + syscall + ": " + m + ", " + m.lastDegradation());
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }

    /** @param probedErrno the errno the probe must have seen, or {@code null}: the probe must have seen none */
    private static void preadv2(String probedErrno, Path file) throws Exception {
        check(Aio.isAvailable(), "Linux AIO is available: " + Aio.unavailabilityCause());
        Throwable probed = LinuxAio.preadv2UnavailabilityCause();
        if (probedErrno == null) {
            check(probed == null, "the probe (preadv2 without flags) passes the filter: " + probed);
        } else {
            check(probed instanceof NativeIoException
                    && ((NativeIoException) probed).errnoName().equals(probedErrno)
                    && ((NativeIoException) probed).operation().equals("preadv2"), "the probe saw preadv2 "
                    + probedErrno + ": " + probed);
        }
        Files.write(file, "buffered reads".getBytes(StandardCharsets.US_ASCII)); // in the page cache now
        AioEventLoopGroup group = new AioEventLoopGroup(1, 8);
        try {
            AioEventLoop loop = group.next();
            check(loop.usesAio(), "the loop uses Linux AIO");
            for (int i = 0; i < READS; i++) {
                readBack(loop, file, "buffered reads");
            }
            AioMetrics m = loop.metrics();
            check(m.cachedReads() == 0, "no read took the refused preadv2 path: " + m);
            check(m.submitted() >= READS, "every read went to Linux AIO: " + m);
            check(m.failed() == 0, "no read failed: " + m);
            check(m.degradations() == 1 && m.lastDegradation().contains("preadv2"), "one degradation naming "
                    + "preadv2: " + m + ", " + m.lastDegradation());
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }

    /** Without a timerfd the loop sleeps with a timeout per sleep: scheduled tasks still run, files still read. */
    private static void timerfdRefused(Path file) throws Exception {
        check(Aio.isAvailable(), "Linux AIO is available: " + Aio.unavailabilityCause());
        Files.write(file, "timerfd refused".getBytes(StandardCharsets.US_ASCII));
        AioEventLoopGroup group = new AioEventLoopGroup(1, 8);
        try {
            AioEventLoop loop = group.next();
            check(loop.usesAio(), "the loop uses Linux AIO");
            for (int i = 0; i < 20; i++) { // each one due while the loop sleeps
                Future<?> due = loop.schedule(() -> { }, 2, TimeUnit.MILLISECONDS);
                check(due.await(30, TimeUnit.SECONDS) && due.isSuccess(), "a scheduled task ran: " + due.cause());
            }
            readBack(loop, file, "timerfd refused");
            AioMetrics m = loop.metrics();
            check(m.degradations() == 1 && m.lastDegradation().contains("timerfd"), "one degradation naming "
                    + "timerfd: " + m + ", " + m.lastDegradation());
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }

    private static void sliceRefused(Path file) throws Exception {
        check(Aio.isAvailable(), "Linux AIO is available: " + Aio.unavailabilityCause());
        Files.write(file, "slice refused".getBytes(StandardCharsets.US_ASCII));
        long kernelDefault = NativeThread.schedulerSlice(); // this thread's: nobody asked for another
        AioEventLoopGroup group = new AioEventLoopGroup(1, 8);
        try {
            AioEventLoop loop = group.next();
            check(loop.usesAio(), "the loop uses Linux AIO");
            long slice = loop.submit(NativeThread::schedulerSlice).get(30, TimeUnit.SECONDS);
            check(slice == kernelDefault, "the loop keeps the kernel's slice " + kernelDefault + ": " + slice);
            readBack(loop, file, "slice refused");
            check(loop.metrics().degradations() == 0, "no degradation: " + loop.metrics());
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }

    private static void statxRefused(Path file) throws Exception {
        check(Aio.isAvailable(), "Linux AIO is available: " + Aio.unavailabilityCause());
        byte[] data = new byte[AioBuffers.PAGE_ALIGNMENT];
        Arrays.fill(data, (byte) 's');
        Files.write(file, data);
        AioEventLoopGroup group = new AioEventLoopGroup(1, 8);
        try {
            AioEventLoop loop = group.next();
            check(loop.usesAio(), "the loop uses Linux AIO");
            for (OpenOption[] options : new OpenOption[][]{{}, {AioOpenOption.DIRECT}}) {
                try (AioFileChannel ch = AioFileChannel.open(file, loop, options)) {
                    check(ch.size() == data.length, "size from fstat: " + ch.size());
                    ByteBuf dst = AioBuffers.directBuffer(ch, data.length);
                    try {
                        Future<Integer> f = ch.read(dst, 0);
                        check(f.await(30, TimeUnit.SECONDS) && f.isSuccess(), "read " + f.cause());
                        check(Arrays.equals(ByteBufUtil.getBytes(dst), data), "read back the file");
                    } finally {
                        dst.release();
                    }
                }
            }
            Throwable refused = NativeFile.statxUnavailabilityCause();
            check(refused instanceof NativeIoException && ((NativeIoException) refused).operation().equals("statx"),
                    "statx is known refused: " + refused);
            check(loop.metrics().failed() == 0, "nothing failed: " + loop.metrics());
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }

    private static void readBack(AioEventLoop loop, Path file, String content) throws Exception {
        if (!Files.exists(file)) {
            Files.write(file, content.getBytes(StandardCharsets.US_ASCII));
        }
        try (AioFileChannel ch = AioFileChannel.open(file, loop)) {
            ByteBuf dst = Unpooled.directBuffer(64);
            try {
                Future<Integer> f = ch.read(dst, 0);
                check(f.await(30, TimeUnit.SECONDS), "read completes");
                if (!f.isSuccess()) {
                    throw new AssertionError("read failed", f.cause());
                }
                String got = dst.toString(StandardCharsets.US_ASCII);
                check(got.equals(content), "read back '" + got + "', expected '" + content + "'");
            } finally {
                dst.release();
            }
        }
    }

    private static void check(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError(what);
        }
    }
}
