package io.nettyaio.channel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.util.concurrent.Future;
import io.nettyaio.channel.fault.FaultFs;
import io.nettyaio.channel.fault.LoopExt4;
import io.nettyaio.channel.fault.SmallTmpfs;
import io.nettyaio.linux.NativeIoException;
import io.nettyaio.linux.NativeResources;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.nettyaio.channel.ReliabilitySupport.BLOCK;
import static io.nettyaio.channel.ReliabilitySupport.assertNativeFailure;
import static io.nettyaio.channel.ReliabilitySupport.await;
import static io.nettyaio.channel.ReliabilitySupport.random;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kernel errors on real, failing filesystems: EIO from a FUSE fault filesystem and from a shut-down ext4, fsync
 * failing after successful writes, ENOSPC on a full ext4 and after a short write on a tiny tmpfs, a slow device that
 * must not stall the completion loop, and an exhausted {@code fs.aio-max-nr} (loops serve on blocking threads, then
 * switch to Linux AIO). Every affected future fails with the truth; nothing else on the channel or the loop is
 * disturbed; nothing hangs or leaks.
 *
 * <p>The fixtures need root (mount, losetup) and FUSE; where they are unavailable the tests are skipped with the
 * reason. CI runs as root, so there they run.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FaultInjectionTest {
    private static final long K = 1024;
    private static final long M = 1024 * 1024;
    private static AioEventLoopGroup group;
    private static AioEventLoop loop;
    private static ReliabilitySupport.Resources beforeAll;

    private ReliabilitySupport.Resources before;

    @BeforeAll
    static void startGroup() {
        ReliabilitySupport.assumeLinuxAio();
        beforeAll = new ReliabilitySupport.Resources();
        group = new AioEventLoopGroup(1, 64);
        loop = group.next();
    }

    @AfterAll
    static void stopGroup() throws InterruptedException {
        if (group == null) {
            return;
        }
        assertTrue(group.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(30, TimeUnit.SECONDS));
        beforeAll.assertNativeUnchanged();
    }

    @BeforeEach
    void snapshot() {
        before = new ReliabilitySupport.Resources();
    }

    @AfterEach
    void noLeaks() {
        assertEquals(before.files, NativeResources.openFiles(), "file descriptors leaked");
        LeakRecorder.assertNoLeaks();
    }

    private static ReliabilitySupport.Channels channels() {
        return new ReliabilitySupport.Channels(loop);
    }

    private static OpenOption[] options(boolean direct, OpenOption... options) {
        if (!direct) {
            return options;
        }
        OpenOption[] withDirect = Arrays.copyOf(options, options.length + 1);
        withDirect[options.length] = AioOpenOption.DIRECT;
        return withDirect;
    }

    private static void assumeFuse() {
        String reason = FaultFs.unavailableReason();
        Assumptions.assumeTrue(reason == null, reason);
    }

    private static void assumeLoopExt4() {
        String reason = LoopExt4.unavailableReason();
        Assumptions.assumeTrue(reason == null, reason);
    }

    /**
     * A vectored request's failure names the call that failed: preadv/pwritev when the kernel ran it, pread/pwrite
     * when a blocking thread did (it transfers segment by segment, or through one bounce buffer).
     */
    private static NativeIoException assertVectoredFailure(String errnoName, boolean read, Future<?> f)
            throws InterruptedException {
        Throwable t = ReliabilitySupport.failure(f);
        NativeIoException e = assertInstanceOf(NativeIoException.class, t, () -> "got " + t);
        assertEquals(errnoName, e.errnoName(), e.getMessage());
        List<String> calls = read ? List.of("preadv", "pread") : List.of("pwritev", "pwrite");
        assertTrue(calls.contains(e.operation()), e.getMessage());
        return e;
    }

    private static ByteBuf filled(AioFileChannel ch, byte[] data) {
        return AioBuffers.directBuffer(ch, data.length).writeBytes(data);
    }

    // ---- EIO ------------------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "direct={0}")
    @ValueSource(booleans = {true, false})
    void shouldFailOnlyTheRequestsThatTouchAnEioRangeAndKeepServingTheRest(boolean direct) throws Exception {
        assumeFuse();
        Path healthyFile = ReliabilitySupport.file("eio-healthy-" + direct + ".dat");
        try (FaultFs fs = new FaultFs(M); ReliabilitySupport.Channels chs = channels()) {
            AioFileChannel ch = chs.open(fs.dataFile(), options(direct, READ, WRITE));
            AioFileChannel healthy = chs.open(healthyFile, READ, WRITE, CREATE);
            byte[] good = random(4 * BLOCK, 1);
            ByteBuf src = filled(ch, good);
            assertEquals(good.length, await(ch.write(src, 0)));
            src.release();

            fs.inject(FaultFs.Op.READ, 64 * K, 4 * K, FaultFs.EIO, 0);
            fs.inject(FaultFs.Op.WRITE, 128 * K, 4 * K, FaultFs.EIO, 0);

            ByteBuf dst = AioBuffers.directBuffer(ch, BLOCK);
            NativeIoException e = assertNativeFailure("EIO", "pread", ch.read(dst, 64 * K));
            assertEquals("pread(..) failed with error(-5): Input/output error [EIO]; file " + fs.dataFile()
                    + ", position 65536, length 4096", e.getMessage());
            assertEquals(0, dst.writerIndex(), "a failed read leaves writerIndex alone");
            assertEquals(1, dst.refCnt(), "the channel released its reference");
            assertNativeFailure("EIO", "pread", ch.readFully(dst, 64 * K));
            ByteBuf heap = Unpooled.buffer(BLOCK);
            assertNativeFailure("EIO", "pread", ch.read(heap, 64 * K)); // bounced: the bounce buffer is released
            assertEquals(0, heap.writerIndex());

            // A scatter read over a healthy block then the failing one: EIO, or (POSIX allows it, and a blocking
            // preadv does it) a short read of exactly the healthy block, after which the failing block fails alone
            ByteBuf[] dsts = {AioBuffers.directBuffer(ch, BLOCK), AioBuffers.directBuffer(ch, BLOCK)};
            Future<Long> scatter = ch.read(dsts, 60 * K);
            assertTrue(scatter.await(60, TimeUnit.SECONDS));
            if (scatter.isSuccess()) {
                assertEquals(BLOCK, scatter.getNow(), "only the bytes before the failing range");
                assertArrayEquals(new byte[BLOCK], ByteBufUtil.getBytes(dsts[0]));
                assertEquals(0, dsts[1].writerIndex());
                assertVectoredFailure("EIO", true, ch.read(new ByteBuf[]{dsts[1]}, 64 * K));
            } else {
                assertVectoredFailure("EIO", true, scatter);
                assertEquals(0, dsts[0].writerIndex());
            }
            for (ByteBuf d : dsts) {
                d.release();
            }

            ByteBuf bad = filled(ch, random(BLOCK, 2));
            assertNativeFailure("EIO", "pwrite", ch.write(bad, 128 * K));
            assertEquals(0, bad.readerIndex(), "a failed write leaves readerIndex alone");
            assertEquals(1, bad.refCnt());
            ByteBuf[] srcs = {bad, Unpooled.wrappedBuffer(random(BLOCK, 3))};
            assertVectoredFailure("EIO", false, ch.write(srcs, 124 * K));
            assertEquals(0, srcs[0].readerIndex());
            assertEquals(0, srcs[1].readerIndex());
            srcs[1].release();

            // A burst mixing failing and healthy requests on the same channel, and on another file of the same loop
            int n = 64;
            List<Future<Integer>> futures = new ArrayList<>();
            List<ByteBuf> bufs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ByteBuf b = AioBuffers.directBuffer(ch, BLOCK);
                bufs.add(b);
                if (i % 4 == 0) {
                    futures.add(ch.read(b, 64 * K));
                } else if (i % 4 == 1) {
                    futures.add(ch.read(b, (i % 4) * BLOCK));
                } else if (i % 4 == 2) {
                    futures.add(ch.write(bad.duplicate(), 128 * K)); // shares bad's reference count
                } else {
                    b.writeBytes(good, 0, BLOCK);
                    futures.add(healthy.write(b, (long) i * BLOCK));
                }
            }
            for (int i = 0; i < n; i++) {
                Future<Integer> f = futures.get(i);
                if (i % 4 == 0) {
                    assertNativeFailure("EIO", "pread", f);
                } else if (i % 4 == 2) {
                    assertNativeFailure("EIO", "pwrite", f);
                } else {
                    assertEquals(BLOCK, await(f), "request " + i);
                }
            }
            assertArrayEquals(Arrays.copyOfRange(good, BLOCK, 2 * BLOCK), ByteBufUtil.getBytes(bufs.get(1)));
            bufs.forEach(ByteBuf::release);
            bad.release();

            // The healthy parts of the faulty file still read and write the truth
            ByteBuf back = AioBuffers.directBuffer(ch, good.length);
            assertEquals(good.length, await(ch.readFully(back, 0)));
            assertArrayEquals(good, ByteBufUtil.getBytes(back));
            back.release();
            assertTrue(fs.hits() >= 2 + n / 2, "rules matched: " + fs.rules());
            dst.release();
            heap.release();
        }
    }

    @Test
    void shouldFailEveryOperationWithEioOnceTheFilesystemShutsDownWhileOtherFilesKeepWorking() throws Exception {
        assumeLoopExt4();
        Path healthyFile = ReliabilitySupport.file("shutdown-healthy.dat");
        try (LoopExt4 fs = new LoopExt4(); ReliabilitySupport.Channels chs = channels()) {
            Path f = fs.mountPoint().resolve("f.dat");
            AioFileChannel direct = chs.open(f, READ, WRITE, CREATE, AioOpenOption.DIRECT);
            AioFileChannel buffered = chs.open(f, READ, WRITE);
            AioFileChannel healthy = chs.open(healthyFile, READ, WRITE, CREATE);
            byte[] data = random(16 * BLOCK, 4);
            ByteBuf src = filled(direct, data);
            assertEquals(data.length, await(direct.write(src, 0)));
            src.release();
            await(direct.fsync());

            fs.shutdown();

            ByteBuf dst = AioBuffers.directBuffer(direct, BLOCK);
            assertNativeFailure("EIO", "pread", direct.read(dst, 0));
            // cached data too: the fs is gone; with Linux AIO the read the loop tries first, preadv2(RWF_NOWAIT), is
            // what failed; io_uring reads in the ring
            assertNativeFailure("EIO", ReliabilitySupport.ownLoopsRunLinuxAio() ? "preadv2" : "pread",
                    buffered.read(dst, BLOCK));
            assertEquals(0, dst.writerIndex());
            ByteBuf w = filled(direct, random(BLOCK, 5));
            assertNativeFailure("EIO", "pwrite", direct.write(w, 0));
            assertNativeFailure("EIO", "pwrite", buffered.write(w, 3));
            assertEquals(0, w.readerIndex());
            assertVectoredFailure("EIO", false, direct.write(new ByteBuf[]{w}, 0));
            assertNativeFailure("EIO", "fsync", direct.fsync());
            assertNativeFailure("EIO", "fdatasync", buffered.fdatasync());
            NativeIoException open = assertThrows(NativeIoException.class,
                    () -> AioFileChannel.open(fs.mountPoint().resolve("new.dat"), loop, READ, WRITE, CREATE));
            assertEquals("EIO", open.errnoName());
            assertEquals("open", open.operation());

            // The same loop keeps serving other files, and the failing channels still answer (no hang)
            assertEquals(BLOCK, await(healthy.write(w, 0)));
            ByteBuf h = Unpooled.directBuffer(BLOCK);
            assertEquals(BLOCK, await(healthy.read(h, 0)));
            assertNativeFailure("EIO", "pread", direct.read(dst, 0));
            h.release();
            w.release();
            dst.release();
        }
    }

    @ParameterizedTest(name = "direct={0}")
    @ValueSource(booleans = {true, false})
    void shouldFailFsyncWithEioWhenTheWritesBeforeItSucceeded(boolean direct) throws Exception {
        assumeFuse();
        try (FaultFs fs = new FaultFs(M); ReliabilitySupport.Channels chs = channels()) {
            AioFileChannel ch = chs.open(fs.dataFile(), options(direct, READ, WRITE));
            fs.inject(FaultFs.Op.FSYNC, 0, 1, FaultFs.EIO, 0);
            byte[] data = random(8 * BLOCK, 6);
            ByteBuf src = filled(ch, data);
            assertEquals(data.length, await(ch.write(src, 0)), "the write itself succeeds");
            src.release();
            NativeIoException e = assertNativeFailure("EIO", "fsync", ch.fsync());
            assertTrue(e.getMessage().startsWith("fsync(..) failed with error(-5): Input/output error [EIO]"),
                    e.getMessage());
            assertNativeFailure("EIO", "fdatasync", ch.fdatasync());
            // Not swallowed on repetition, and reads are unaffected
            assertNativeFailure("EIO", "fsync", ch.fsync());
            ByteBuf back = AioBuffers.directBuffer(ch, data.length);
            assertEquals(data.length, await(ch.read(back, 0)));
            assertArrayEquals(data, ByteBufUtil.getBytes(back));
            back.release();
            assertEquals(3, fs.hits());
            fs.clear();
            assertEquals(null, await(ch.fsync()), "healthy again once the device is");
        }
    }

    // ---- ENOSPC ---------------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "direct={0}")
    @ValueSource(booleans = {true, false})
    void shouldFailTheWriteThatFindsExt4FullWithEnospcAndKeepEveryAcknowledgedByte(boolean direct)
            throws Exception {
        assumeLoopExt4();
        try (LoopExt4 fs = new LoopExt4(16 * M); ReliabilitySupport.Channels chs = channels()) {
            AioFileChannel ch = chs.open(fs.mountPoint().resolve("fill.dat"), options(direct, READ, WRITE, CREATE));
            int chunk = (int) M;
            int acknowledged = 0;
            NativeIoException full = null;
            for (int i = 0; i < 32 && full == null; i++) {
                byte[] data = random(chunk, 100 + i);
                ByteBuf src = direct ? filled(ch, data) : Unpooled.wrappedBuffer(data); // heap: bounced
                Future<Integer> w = ch.write(src, (long) i * chunk);
                assertTrue(w.await(60, TimeUnit.SECONDS), "write " + i + " did not complete");
                if (w.isSuccess()) {
                    assertEquals(chunk, w.getNow());
                    assertEquals(chunk, src.readerIndex());
                    acknowledged++;
                } else {
                    full = assertInstanceOf(NativeIoException.class, w.cause());
                    assertEquals(0, src.readerIndex(), "a failed write leaves readerIndex alone");
                    assertEquals(1, src.refCnt(), "the channel released its reference");
                }
                src.release();
            }
            assertNotNull(full, "16 MiB of ext4 never filled up");
            assertEquals("ENOSPC", full.errnoName(), full.getMessage());
            assertEquals("pwrite", full.operation());
            // ext4 refuses the whole request; were a part written first, the message names the rest
            long extra = ch.size() - (long) acknowledged * chunk;
            assertTrue(extra >= 0 && extra < chunk, "size " + ch.size());
            assertTrue(full.getMessage().endsWith("position " + ch.size() + ", length " + (chunk - extra)),
                    full.getMessage());
            assertTrue(acknowledged >= 8, "acknowledged " + acknowledged + " MiB");
            System.out.printf("ext4 16 MiB (direct=%s): %d MiB acknowledged, then %s%n", direct, acknowledged,
                    full.getMessage());

            // Nothing acknowledged is lost: every byte reads back
            await(ch.fsync());
            ByteBuf back = AioBuffers.directBuffer(ch, chunk);
            for (int i = 0; i < acknowledged; i++) {
                back.clear();
                assertEquals(chunk, await(ch.readFully(back, (long) i * chunk)));
                assertArrayEquals(random(chunk, 100 + i), ByteBufUtil.getBytes(back), "chunk " + i);
            }
            back.release();
            // Overwriting allocated blocks still works on the full filesystem
            ByteBuf again = filled(ch, random(chunk, 100));
            assertEquals(chunk, await(ch.write(again, 0)));
            again.release();
        }
    }

    /**
     * An allocate larger than the free space fails with ENOSPC, and the file keeps its size: ext4 grows the size as
     * it allocates, so a plain fallocate left the file longer, by what it had allocated when space ran out. What it
     * reserved stays reserved past the end of the file, as the message says, until the file is truncated.
     */
    @Test
    void shouldLeaveTheSizeAsItWasWhenAnAllocateFindsExt4Full() throws Exception {
        assumeLoopExt4();
        try (LoopExt4 fs = new LoopExt4(16 * M); ReliabilitySupport.Channels chs = channels()) {
            AioFileChannel ch = chs.open(fs.mountPoint().resolve("grow.dat"), READ, WRITE, CREATE);
            byte[] data = random((int) (64 * K), 31);
            ByteBuf src = filled(ch, data);
            assertEquals(data.length, await(ch.write(src, 0)));
            src.release();
            long freeBefore = Files.getFileStore(fs.mountPoint()).getUsableSpace();
            NativeIoException e = assertNativeFailure("ENOSPC", "fallocate", ch.allocate(data.length, 64 * M));
            assertTrue(e.getMessage().endsWith("position " + data.length + ", length " + 64 * M + "; the size is "
                    + "unchanged, blocks reserved before the space ran out stay reserved past the end of the file: "
                    + "truncate(size()) frees them"), e.getMessage());
            assertEquals(data.length, ch.size(), "a failed allocate leaves the size as it was");
            ByteBuf back = AioBuffers.directBuffer(ch, data.length);
            assertEquals(data.length, await(ch.read(back, 0)));
            assertArrayEquals(data, ByteBufUtil.getBytes(back));
            back.release();
            long freeAfter = Files.getFileStore(fs.mountPoint()).getUsableSpace();
            await(ch.truncate(ch.size()));
            long freeTruncated = Files.getFileStore(fs.mountPoint()).getUsableSpace();
            assertTrue(freeTruncated >= freeBefore - 64 * K, "truncate(size()) gave back the reserved blocks: free "
                    + freeBefore + " before the allocate, " + freeAfter + " after, " + freeTruncated + " after truncate");
            // One that fits reserves and extends, as ever
            await(ch.allocate(data.length, M));
            assertEquals(data.length + M, ch.size());
            System.out.printf("allocate of 64 MiB on a 16 MiB ext4: size unchanged (%d); free space %d, %d after the "
                    + "failed allocate, %d after truncate(size())%n", data.length, freeBefore, freeAfter,
                    freeTruncated);
        }
    }

    @Test
    void shouldContinueAShortWriteOnAFullTmpfsAndThenFailWithEnospcLeavingReaderIndexUnchanged() throws Exception {
        String reason = SmallTmpfs.unavailableReason();
        Assumptions.assumeTrue(reason == null, reason);
        try (SmallTmpfs fs = new SmallTmpfs(); ReliabilitySupport.Channels chs = channels()) {
            AioFileChannel ch = chs.open(fs.mountPoint().resolve("f.dat"), READ, WRITE, CREATE);
            byte[] first = random((int) (256 * K), 7);
            ByteBuf a = Unpooled.directBuffer(first.length).writeBytes(first);
            assertEquals(first.length, await(ch.write(a, 0)));
            a.release();

            int big = (int) (2 * M);
            for (int variant = 0; variant < 3; variant++) {
                long shortWritesBefore = loop.metrics().shortWrites();
                long sizeBefore = ch.size();
                byte[] data = random(big, 8 + variant);
                NativeIoException e;
                if (variant == 2) {
                    ByteBuf[] srcs = {Unpooled.directBuffer(big / 2).writeBytes(data, 0, big / 2),
                        Unpooled.wrappedBuffer(data, big / 2, big / 2)};
                    e = assertVectoredFailure("ENOSPC", false, ch.write(srcs, first.length));
                    for (ByteBuf s : srcs) {
                        assertEquals(0, s.readerIndex(), "a failed write leaves readerIndex alone");
                        assertEquals(1, s.refCnt());
                        s.release();
                    }
                } else {
                    ByteBuf src = variant == 0 ? Unpooled.directBuffer(big).writeBytes(data)
                            : Unpooled.wrappedBuffer(data); // heap: the bounce buffer is continued too
                    e = assertNativeFailure("ENOSPC", "pwrite", ch.write(src, first.length));
                    assertEquals(0, src.readerIndex(), "a failed write leaves readerIndex alone");
                    assertEquals(1, src.refCnt());
                    src.release();
                }
                long size = ch.size();
                long written = size - first.length;
                assertTrue(written > 0 && written < big, "the first part fit: " + written);
                assertTrue(loop.metrics().shortWrites() > shortWritesBefore, "the short write was continued");
                assertTrue(e.getMessage().endsWith("; file " + fs.mountPoint().resolve("f.dat") + ", position "
                        + size + ", length " + (big - written)), e.getMessage());
                if (variant == 0) {
                    System.out.printf("tmpfs 1 MiB: short write of %d of %d bytes continued, then %s%n", written,
                            big, e.getMessage());
                }
                // What was acknowledged before is intact; make room for the next variant
                ByteBuf back = Unpooled.directBuffer(first.length);
                assertEquals(first.length, await(ch.readFully(back, 0)));
                assertArrayEquals(first, ByteBufUtil.getBytes(back));
                back.release();
                await(ch.truncate(sizeBefore));
            }
        }
    }

    // ---- slow device ----------------------------------------------------------------------------------------------

    @Test
    void shouldRunScheduledTasksOnTimeWhileSlowRequestsAreInFlight() throws Exception {
        assumeFuse();
        try (FaultFs fs = new FaultFs(M); ReliabilitySupport.Channels chs = channels()) {
            AioFileChannel ch = chs.open(fs.dataFile(), READ, AioOpenOption.DIRECT);
            fs.inject(FaultFs.Op.READ, 0, Long.MAX_VALUE, 0, 500);
            int reads = 16;
            List<Future<Integer>> futures = new ArrayList<>();
            List<ByteBuf> bufs = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < reads; i++) {
                ByteBuf dst = AioBuffers.directBuffer(ch, BLOCK);
                bufs.add(dst);
                futures.add(ch.read(dst, (long) i * BLOCK));
            }
            int inKernel = loop.submit(() -> loop.metrics().inFlight()).get(30, TimeUnit.SECONDS);
            int ticks = 40;
            long[] lateness = new long[ticks];
            int[] pendingSeen = new int[ticks];
            List<ScheduledFuture<?>> scheduled = new ArrayList<>();
            for (int t = 0; t < ticks; t++) {
                int tick = t;
                long delayMillis = 10L * (t + 1);
                long due = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMillis);
                scheduled.add(ch.completionLoop().schedule(() -> {
                    lateness[tick] = System.nanoTime() - due;
                    pendingSeen[tick] = (int) futures.stream().filter(x -> !x.isDone()).count();
                }, delayMillis, TimeUnit.MILLISECONDS));
            }
            for (ScheduledFuture<?> s : scheduled) {
                s.get(30, TimeUnit.SECONDS);
            }
            for (Future<Integer> f : futures) {
                assertEquals(BLOCK, await(f));
            }
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            bufs.forEach(ByteBuf::release);
            long worst = Arrays.stream(lateness).max().getAsLong();
            int maxPending = Arrays.stream(pendingSeen).max().getAsInt();
            System.out.printf("slow device (500 ms per read, %d reads pending at most, %d in the kernel at the end "
                    + "of submission): %d scheduled tasks, worst lateness %.3f ms; reads done after %d ms%n",
                    maxPending, inKernel, ticks, worst / 1e6, tookMillis);
            assertTrue(tookMillis >= 450, "the reads really were slow: " + tookMillis + " ms");
            assertEquals(reads, maxPending, "the tasks ran while every slow read was pending");
            assertTrue(worst < TimeUnit.MILLISECONDS.toNanos(200), "worst lateness " + worst / 1e6 + " ms");
        }
    }

    // ---- aio-max-nr -----------------------------------------------------------------------------------------------

    private static final Path AIO_MAX_NR = Paths.get("/proc/sys/fs/aio-max-nr");
    private static final Path AIO_NR = Paths.get("/proc/sys/fs/aio-nr");

    /**
     * Reads a sysctl. Not {@code Files.readString}: it reads a file of unknown size a byte at a time after the first
     * (empty) read, and a sysctl read at a non-zero offset returns end of file, so only the first digit would come
     * back. One large read gets the whole value.
     */
    private static long readProc(Path p) throws IOException {
        return Long.parseLong(Files.readAllLines(p, StandardCharsets.US_ASCII).get(0).trim());
    }

    private static void writeProc(Path p, long value) throws IOException {
        Files.writeString(p, value + "\n", StandardCharsets.US_ASCII);
    }

    /** Null when this process may lower fs.aio-max-nr (root, writable /proc/sys), else why not. */
    private static String aioMaxNrReason() {
        if (!ReliabilitySupport.ownLoopsRunLinuxAio()) {
            return "fs.aio-max-nr limits Linux AIO contexts; our loops run " + AioEngines.forOwnLoops();
        }
        try {
            writeProc(AIO_MAX_NR, readProc(AIO_MAX_NR)); // writing the same value back changes nothing
            return null;
        } catch (IOException | RuntimeException e) {
            return "cannot write " + AIO_MAX_NR + " (needs root): " + e;
        }
    }

    /** What {@link #withAioMaxNr} saw: the limit it set, and what the body threw. */
    private static final class Lowered {
        long limit;
        Throwable thrown;
    }

    /**
     * Runs {@code body} with {@code fs.aio-max-nr} lowered to {@code aio-nr + headroom}, restoring it in a finally
     * block, or earlier through the callback given to {@code body}. The setting is system-wide (other processes
     * creating AIO contexts meanwhile are refused too), so the window is kept to the one constructor call.
     */
    private static Lowered withAioMaxNr(long headroom, java.util.function.Function<Runnable, Throwable> body)
            throws IOException {
        long original = readProc(AIO_MAX_NR);
        long inUse = readProc(AIO_NR);
        Assumptions.assumeTrue(original >= inUse + 4 * headroom, "fs.aio-max-nr " + original + " is already "
                + "close to fs.aio-nr " + inUse + ": not lowering it further");
        AtomicBoolean restored = new AtomicBoolean();
        Runnable restore = () -> {
            if (restored.compareAndSet(false, true)) {
                try {
                    writeProc(AIO_MAX_NR, original);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        };
        Lowered lowered = new Lowered();
        try {
            lowered.limit = inUse + headroom;
            writeProc(AIO_MAX_NR, lowered.limit);
            lowered.thrown = body.apply(restore);
        } finally {
            restore.run();
            assertEquals(original, readProc(AIO_MAX_NR), "fs.aio-max-nr restored");
        }
        return lowered;
    }

    /** Asserts the loop runs the blocking engine because io_setup answered EAGAIN, and says so in its metrics. */
    private static void assertDegradedForTheAioBudget(AioEventLoop loop) throws IOException {
        long limit = readProc(AIO_MAX_NR); // the lowered one
        AioMetrics m = loop.metrics();
        assertFalse(loop.usesAio(), "the loop serves on blocking threads while the budget is short");
        assertEquals("blocking", m.engine(), m.toString());
        assertEquals(1, m.degradations(), m.toString());
        String why = m.lastDegradation();
        assertTrue(why.contains("io_setup") && why.contains("EAGAIN"), why);
        // The whole number: the limit was once read a byte at a time, and only its first digit came back
        assertTrue(why.contains(Long.toString(limit)), "names the real limit, " + limit + ": " + why);
        assertTrue(why.contains("sysctl -w fs.aio-max-nr="), "names the remedy: " + why);
    }

    private static void awaitEngine(AioMetrics m, String engine) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!engine.equals(m.engine())) {
            assertTrue(System.nanoTime() - deadline < 0, () -> "no switch to " + engine + " within 15 s: " + m);
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    @Test
    void shouldServeOnBlockingThreadsWhileAioMaxNrIsExhaustedAndSwitchToLinuxAioWhenItReturns() throws Exception {
        String reason = aioMaxNrReason();
        Assumptions.assumeTrue(reason == null, reason);
        Aio.ensureAvailability(); // probe while the limit is normal
        int depth = 4096;
        Path path = ReliabilitySupport.file("aio-max-nr-switch.dat");
        byte[] data = random(2 * BLOCK, 77);
        Files.write(path, data);
        ReliabilitySupport.Resources resources = new ReliabilitySupport.Resources();
        AioEventLoopGroup[] g = new AioEventLoopGroup[1];
        AioFileChannel[] ch = new AioFileChannel[1];
        // Held for one loop start and one read: the setting is system-wide
        Lowered lowered = withAioMaxNr(depth / 2, restore -> {
            try {
                g[0] = new AioEventLoopGroup(1, depth);
                AioEventLoop aioLoop = g[0].next();
                assertDegradedForTheAioBudget(aioLoop);
                ch[0] = AioFileChannel.open(path, aioLoop, READ, AioOpenOption.DIRECT);
                ByteBuf first = AioBuffers.directBuffer(ch[0], BLOCK);
                assertEquals(BLOCK, await(ch[0].read(first, 0)));
                assertArrayEquals(Arrays.copyOf(data, BLOCK), ByteBufUtil.getBytes(first));
                first.release();
                AioMetrics m = aioLoop.metrics();
                assertEquals(0, m.submitted(), "nothing went to the kernel: " + m);
                assertEquals(1, m.blockingSubmitted(), "the read ran on a blocking thread: " + m);
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
        try {
            if (lowered.thrown != null) {
                throw new AssertionError("while fs.aio-max-nr was exhausted", lowered.thrown);
            }
            AioEventLoop aioLoop = g[0].next();
            AioMetrics m = aioLoop.metrics();
            awaitEngine(m, "linux-aio");
            assertTrue(aioLoop.usesAio());
            // The file opened meanwhile is native: the kernel engine submits on it
            ByteBuf second = AioBuffers.directBuffer(ch[0], BLOCK);
            assertEquals(BLOCK, await(ch[0].read(second, BLOCK)));
            assertArrayEquals(Arrays.copyOfRange(data, BLOCK, 2 * BLOCK), ByteBufUtil.getBytes(second));
            second.release();
            assertEquals(1, m.submitted(), "the second read went to the kernel: " + m);
            assertEquals(1, m.blockingSubmitted(), m.toString());
            assertEquals(1, m.degradations(), "the switch is no degradation: " + m);
        } finally {
            if (ch[0] != null) {
                await(ch[0].closeAsync());
            }
            if (g[0] != null) {
                assertTrue(g[0].shutdownGracefully(0, 5, TimeUnit.SECONDS).await(30, TimeUnit.SECONDS));
            }
        }
        resources.assertNativeUnchanged();
        resources.assertMemoryUnchanged();
        assertEquals(resources.descriptors, ReliabilitySupport.openDescriptors(), "descriptors leaked");
    }

    /**
     * No sysctl is touched: while this test holds a context of {@value #HELD_EVENTS} events, {@code fs.aio-nr} is at
     * least that, so a depth above {@code fs.aio-max-nr - HELD_EVENTS} cannot be granted now. The loop starts on
     * blocking threads, says which limit and how to raise it, serves, and once shut down leaves nothing behind.
     */
    @Test
    void shouldStartDegradedAndLeaveNothingBehindWhenTheQueueDepthExceedsTheFreeAioBudget() throws Exception {
        ReliabilitySupport.assumeLinuxAio();
        Assumptions.assumeTrue(ReliabilitySupport.ownLoopsRunLinuxAio(), "the AIO budget limits Linux AIO's loops");
        ReliabilitySupport.Resources resources = new ReliabilitySupport.Resources();
        java.util.Set<String> blockingThreads = ReliabilitySupport.threads("aio-blocking");
        Path path = ReliabilitySupport.file("free-budget.dat");
        Files.write(path, random(BLOCK, 79));
        int depth;
        String why;
        try (io.nettyaio.linux.AioContext held = io.nettyaio.linux.AioContext.open(HELD_EVENTS)) {
            long max = readProc(AIO_MAX_NR);
            Assumptions.assumeTrue(max - held.capacity() + 1 <= 65536, "fs.aio-max-nr = " + max + ": no queue depth up "
                    + "to 65536 exceeds what may be free without taking budget first");
            depth = (int) (max - held.capacity() + 1);
            AioEventLoopGroup group = new AioEventLoopGroup(1, depth);
            try {
                AioEventLoop loop = group.next();
                assertEquals("blocking", loop.engine(), "no context of " + depth + " events can be had now");
                why = loop.metrics().lastDegradation();
                assertTrue(why.contains("fs.aio-max-nr"), why);
                try (AioFileChannel ch = AioFileChannel.open(path, loop, READ)) {
                    ByteBuf dst = Unpooled.directBuffer(BLOCK);
                    assertEquals(BLOCK, await(ch.read(dst, 0)));
                    dst.release();
                }
            } finally {
                assertTrue(group.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(30, TimeUnit.SECONDS));
            }
        }
        ReliabilitySupport.assertNoNewBlockingThreads(blockingThreads);
        resources.assertNativeUnchanged();
        resources.assertMemoryUnchanged();
        assertEquals(resources.descriptors, ReliabilitySupport.openDescriptors(), "descriptors leaked");
        System.out.println("queue depth " + depth + " above the free AIO budget: " + why);
    }

    private static final int HELD_EVENTS = 64;

    @Test
    void shouldServeOnBlockingThreadsOfAnEpollLoopWhileAioMaxNrIsExhaustedAndSwitchWhenItReturns() throws Exception {
        String reason = aioMaxNrReason();
        Assumptions.assumeTrue(reason == null, reason);
        Assumptions.assumeTrue(Epoll.isAvailable(), () -> "no epoll: " + Epoll.unavailabilityCause());
        Aio.ensureAvailability();
        Path path = ReliabilitySupport.file("aio-max-nr-epoll.dat");
        byte[] data = random(BLOCK, 78);
        Files.write(path, data);
        ReliabilitySupport.Resources resources = new ReliabilitySupport.Resources();
        MultiThreadIoEventLoopGroup epoll = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        AioFileChannel[] ch = new AioFileChannel[1];
        try {
            // An epoll loop's context has the default capacity: less room than that
            Lowered lowered = withAioMaxNr(AioEventLoopGroup.DEFAULT_QUEUE_DEPTH / 2, restore -> {
                try {
                    ch[0] = AioFileChannel.open(path, epoll.next(), READ, AioOpenOption.DIRECT);
                    assertEquals("blocking", ch[0].engine());
                    assertEquals(BLOCK, readBlock(ch[0], data));
                    AioMetrics m = ch[0].metrics();
                    assertEquals(0, m.submitted(), m.toString());
                    assertEquals(1, m.blockingSubmitted(), m.toString());
                    assertEquals(1, m.degradations(), m.toString());
                    assertTrue(m.lastDegradation().contains("EAGAIN"), m.lastDegradation());
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            });
            if (lowered.thrown != null) {
                throw new AssertionError("while fs.aio-max-nr was exhausted", lowered.thrown);
            }
            // An epoll loop tries again on the flush after requests, at most once a second: keep reading
            AioMetrics m = ch[0].metrics();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (!"linux-aio".equals(m.engine())) {
                assertTrue(System.nanoTime() - deadline < 0, () -> "no switch to linux-aio within 15 s: " + m);
                readBlock(ch[0], data);
            }
            long submitted = m.submitted();
            readBlock(ch[0], data);
            assertEquals(submitted + 1, m.submitted(), "the read went to the kernel: " + m);
            assertEquals(1, m.degradations(), m.toString());
        } finally {
            if (ch[0] != null) {
                await(ch[0].closeAsync());
            }
            assertTrue(epoll.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(30, TimeUnit.SECONDS));
        }
        resources.assertNativeUnchanged();
        resources.assertMemoryUnchanged();
    }

    /** Reads the first block and checks it. */
    private static int readBlock(AioFileChannel ch, byte[] data) throws InterruptedException {
        ByteBuf dst = AioBuffers.directBuffer(ch, BLOCK);
        try {
            int n = await(ch.read(dst, 0));
            assertArrayEquals(Arrays.copyOf(data, BLOCK), ByteBufUtil.getBytes(dst));
            return n;
        } finally {
            dst.release();
        }
    }

    @Test
    void shouldLeakNothingWhenLoopsShutDownBeforeTheAioBudgetReturns() throws Exception {
        String reason = aioMaxNrReason();
        Assumptions.assumeTrue(reason == null, reason);
        Aio.ensureAvailability();
        int depth = 4096;
        Path path = ReliabilitySupport.file("aio-max-nr-shutdown.dat");
        ReliabilitySupport.Resources resources = new ReliabilitySupport.Resources();
        // Room for neither loop; both start on blocking threads, serve, and shut down before the limit returns
        Lowered lowered = withAioMaxNr(depth / 2, restore -> {
            AioEventLoopGroup g = null;
            try {
                g = new AioEventLoopGroup(2, depth);
                for (int i = 0; i < 2; i++) {
                    assertDegradedForTheAioBudget(g.next());
                }
                try (AioFileChannel ch = AioFileChannel.open(path, g.next(), READ, WRITE, CREATE)) {
                    assertEquals(3, await(ch.write(Unpooled.copiedBuffer("abc", StandardCharsets.US_ASCII), 0)));
                }
                return null;
            } catch (Throwable t) {
                return t;
            } finally {
                if (g != null) {
                    g.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly(30, TimeUnit.SECONDS);
                }
            }
        });
        if (lowered.thrown != null) {
            throw new AssertionError("while fs.aio-max-nr was exhausted", lowered.thrown);
        }
        assertEquals("abc", Files.readString(path, StandardCharsets.US_ASCII));
        resources.assertNativeUnchanged();
        resources.assertMemoryUnchanged();
        assertEquals(resources.descriptors, ReliabilitySupport.openDescriptors(), "descriptors leaked");
    }
}
