package io.nettyaio.channel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.PromiseCombiner;
import io.netty.util.concurrent.ScheduledFuture;
import io.nettyaio.linux.NativeIoException;
import io.nettyaio.linux.NativeResources;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The behaviour every way of driving {@link AioFileChannel} must have. Subclasses say how channels are opened
 * (which executor drives completions) and how that engine is torn down.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class AioFileChannelContractTest {
    static final int BLOCK = 4096;
    protected static final Path DIR = Paths.get("target", "contract-test").toAbsolutePath();
    private final List<AioFileChannel> opened = new ArrayList<>();
    private long filesBefore;
    protected Path file;

    /** The executor channels are opened with, and that listeners of promise-less calls run on. */
    protected abstract EventExecutor executor();

    /** Whether listeners of {@link #executor()} promises run on the thread that reaps completions. */
    protected abstract boolean completesOnExecutorThread();

    protected AioFileChannel open(Path path, OpenOption... options) throws IOException {
        AioFileChannel ch = AioFileChannel.open(path, executor(), options);
        opened.add(ch);
        return ch;
    }

    @BeforeEach
    void setUp(TestInfo info) throws IOException {
        Files.createDirectories(DIR);
        file = DIR.resolve(getClass().getSimpleName() + "-" + info.getTestMethod().get().getName() + ".dat");
        Files.deleteIfExists(file);
        filesBefore = NativeResources.openFiles();
    }

    @AfterEach
    void tearDown() {
        for (AioFileChannel ch : opened) {
            ch.close();
        }
        assertEquals(filesBefore, NativeResources.openFiles(), "file descriptors leaked");
        LeakRecorder.assertNoLeaks();
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    static <T> T await(Future<T> f) throws Exception {
        assertTrue(f.await(60, TimeUnit.SECONDS), "future did not complete in 60 s");
        if (!f.isSuccess()) {
            throw new ExecutionException(f.cause());
        }
        return f.getNow();
    }

    static Throwable failure(Future<?> f) throws InterruptedException {
        assertTrue(f.await(60, TimeUnit.SECONDS), "future did not complete in 60 s");
        assertFalse(f.isSuccess(), "expected failure");
        return f.cause();
    }

    @Test
    void shouldWriteAndReadBackDirectBuffers() throws Exception {
        byte[] data = random(3 * BLOCK + 100, 1);
        try (AioFileChannel ch = open(file, READ, WRITE, CREATE)) {
            ByteBuf src = Unpooled.directBuffer(data.length).writeBytes(data);
            assertEquals(data.length, await(ch.write(src, 10)));
            assertEquals(data.length, src.readerIndex(), "readerIndex advances by the bytes written");
            src.release();
            assertEquals(10 + data.length, ch.size());

            ByteBuf dst = Unpooled.directBuffer(data.length);
            assertEquals(data.length, await(ch.read(dst, 10)));
            assertEquals(data.length, dst.writerIndex(), "writerIndex advances by the bytes read");
            assertArrayEquals(data, ByteBufUtil.getBytes(dst));
            dst.release();
        }
        assertArrayEquals(data, Arrays.copyOfRange(Files.readAllBytes(file), 10, 10 + data.length));
    }

    @Test
    void shouldBounceHeapBuffers() throws Exception {
        byte[] data = random(10_000, 2);
        try (AioFileChannel ch = open(file, READ, WRITE, CREATE)) {
            ByteBuf src = Unpooled.wrappedBuffer(data);
            assertEquals(data.length, await(ch.write(src, 0)));
            assertEquals(data.length, src.readerIndex());
            src.release();
            ByteBuf dst = Unpooled.buffer(20_000);
            dst.writeBytes(new byte[]{9, 9});
            assertEquals(data.length, await(ch.read(dst, 0)), "read returns the bytes up to end of file");
            assertEquals(2 + data.length, dst.writerIndex());
            assertArrayEquals(data, ByteBufUtil.getBytes(dst, 2, data.length));
            dst.release();
        }
    }

    @Test
    void shouldReturnMinusOneAtEndOfFileAndShortReadsBeforeIt() throws Exception {
        Files.write(file, random(10_000, 3));
        try (AioFileChannel ch = open(file, READ)) {
            ByteBuf dst = Unpooled.directBuffer(BLOCK);
            assertEquals(10_000 - 8192, await(ch.read(dst, 8192)));
            dst.clear();
            assertEquals(-1, await(ch.read(dst, 10_000)));
            assertEquals(-1, await(ch.read(dst, 1L << 40)));
            assertEquals(0, dst.writerIndex(), "nothing read, writerIndex unchanged");
            assertEquals(-1, await(ch.readFully(dst, 20_000)));
            dst.release();

            ByteBuf big = Unpooled.directBuffer(64 * 1024);
            assertEquals(10_000, await(ch.readFully(big, 0)));
            big.release();
        }
    }

    @Test
    void shouldDoScatterGatherWithArraysAndComposites() throws Exception {
        byte[] a = random(1000, 4);
        byte[] b = random(3000, 5);
        byte[] c = random(96, 6);
        try (AioFileChannel ch = open(file, READ, WRITE, CREATE)) {
            ByteBuf[] srcs = {Unpooled.directBuffer().writeBytes(a), Unpooled.wrappedBuffer(b),
                Unpooled.directBuffer().writeBytes(c)};
            assertEquals(4096L, await(ch.write(srcs, 0)));
            for (ByteBuf s : srcs) {
                assertEquals(0, s.readableBytes());
                s.release();
            }
            ByteBuf[] dsts = {Unpooled.directBuffer(96), Unpooled.directBuffer(4000)};
            assertEquals(4096L, await(ch.read(dsts, 0)));
            byte[] all = new byte[4096];
            System.arraycopy(a, 0, all, 0, 1000);
            System.arraycopy(b, 0, all, 1000, 3000);
            System.arraycopy(c, 0, all, 4000, 96);
            assertArrayEquals(Arrays.copyOfRange(all, 0, 96), ByteBufUtil.getBytes(dsts[0]));
            assertArrayEquals(Arrays.copyOfRange(all, 96, 4096), ByteBufUtil.getBytes(dsts[1]));
            for (ByteBuf d : dsts) {
                d.release();
            }

            CompositeByteBuf composite = Unpooled.compositeBuffer();
            composite.addComponents(true, Unpooled.directBuffer(10).writeZero(10),
                    Unpooled.directBuffer(20).writeZero(20));
            composite.writerIndex(0);
            assertEquals(30, await(ch.read(composite, 1000)));
            assertArrayEquals(Arrays.copyOfRange(all, 1000, 1030), ByteBufUtil.getBytes(composite));
            assertEquals(30, await(ch.write(composite, 8192)));
            assertEquals(0, composite.readableBytes());
            composite.release();
        }
        assertArrayEquals(Arrays.copyOfRange(Files.readAllBytes(file), 1000, 1030),
                Arrays.copyOfRange(Files.readAllBytes(file), 8192, 8222));
    }

    @Test
    void shouldSyncTruncateAndAllocate() throws Exception {
        try (AioFileChannel ch = open(file, READ, WRITE, CREATE)) {
            ByteBuf src = Unpooled.directBuffer().writeBytes(random(5000, 7));
            await(ch.write(src, 0));
            src.release();
            assertNull(await(ch.fsync()));
            assertNull(await(ch.fdatasync()));
            await(ch.truncate(100));
            assertEquals(100, ch.size());
            await(ch.allocate(0, 1 << 20));
            assertEquals(1 << 20, ch.size());
            await(ch.truncate(0));
            assertEquals(0, ch.size());
        }
    }

    @Test
    void shouldReserveSpaceInADirectFileAndWriteIntoIt() throws Exception {
        // How a journal prepares O_DIRECT appends: reserve, then write into the reserved space without extending
        int size = 1 << 20;
        try (AioFileChannel ch = open(file, READ, WRITE, CREATE, AioOpenOption.DIRECT)) {
            await(ch.allocate(0, size));
            assertEquals(size, ch.size());
            await(ch.truncate(size + 100));
            assertEquals(size + 100, ch.size());
            byte[] data = random(BLOCK, 12);
            ByteBuf src = AioBuffers.directBuffer(ch, BLOCK).writeBytes(data);
            assertEquals(BLOCK, await(ch.write(src, size - BLOCK, AioRequestOptions.DSYNC)));
            src.release();
            assertEquals(size + 100, ch.size(), "a write into reserved space does not extend the file");
            ByteBuf dst = AioBuffers.directBuffer(ch, BLOCK);
            assertEquals(BLOCK, await(ch.read(dst, size - BLOCK)));
            assertArrayEquals(data, ByteBufUtil.getBytes(dst));
            dst.release();
        }
    }

    @Test
    void shouldEnforceDirectAlignmentBeforeSubmission() throws Exception {
        Files.write(file, random(64 * 1024, 8));
        try (AioFileChannel ch = open(file, READ, WRITE, AioOpenOption.DIRECT)) {
            assertTrue(ch.isDirect());
            int align = ch.offsetAlignment();
            assertTrue(align >= 512 && Integer.bitCount(align) == 1, "alignment " + align);
            assertEquals(Math.max(ch.memoryAlignment(), align), ch.alignment());

            ByteBuf aligned = AioBuffers.directBuffer(ch, 2 * BLOCK);
            assertEquals(2 * BLOCK, await(ch.read(aligned, BLOCK)));
            aligned.clear();

            Throwable e = failure(ch.read(aligned, align + 1));
            assertEquals("position: " + (align + 1) + " (expected: multiple of " + align + " for DIRECT)",
                    e.getMessage());
            ByteBuf odd = aligned.slice(0, 1000).clear();
            e = failure(ch.read(odd, 0));
            assertEquals("length: 1000 (expected: multiple of " + align + " for DIRECT)", e.getMessage());
            ByteBuf shifted = aligned.slice(1, BLOCK).clear();
            e = failure(ch.read(shifted, 0));
            assertTrue(e.getMessage().startsWith("dst memory address: 0x") && e.getMessage().endsWith(
                    "(expected: multiple of " + ch.memoryAlignment() + " for DIRECT; allocate with AioBuffers)"),
                    e.getMessage());
            assertEquals(0, aligned.writerIndex(), "failed requests leave indices alone");
            aligned.release();

            ByteBuf heap = Unpooled.buffer(BLOCK);
            assertEquals(BLOCK, await(ch.read(heap, 0)), "heap buffers are bounced through aligned memory");
            assertArrayEquals(Arrays.copyOfRange(Files.readAllBytes(file), 0, BLOCK), ByteBufUtil.getBytes(heap));
            heap.release();
        }
    }

    @Test
    void shouldWriteDurablyInOneRequestAndCarryPrioritiesOnEveryEngine() throws Exception {
        byte[] data = random(2 * BLOCK, 77);
        AioIoPriority channelDefault = AioIoPriority.of(AioIoPriority.Class.BEST_EFFORT, 2);
        try (AioFileChannel ch = open(file, READ, WRITE, CREATE, channelDefault)) {
            ByteBuf first = Unpooled.directBuffer(BLOCK).writeBytes(data, 0, BLOCK);
            assertEquals(BLOCK, await(ch.write(first, 0, AioRequestOptions.DSYNC)));
            assertEquals(0, first.readableBytes());
            first.release();
            ByteBuf second = Unpooled.wrappedBuffer(data, BLOCK, BLOCK); // heap: bounced
            CountDownLatch written = new CountDownLatch(1);
            AtomicInteger result = new AtomicInteger();
            ch.write(second, BLOCK, AioRequestOptions.SYNC.withPriority(AioIoPriority.IDLE), result,
                    new AioCompletionHandler<AtomicInteger>() {
                        @Override
                        public void completed(int n, AtomicInteger attachment) {
                            attachment.set(n);
                            written.countDown();
                        }

                        @Override
                        public void failed(Throwable cause, AtomicInteger attachment) {
                            attachment.set(-2);
                            written.countDown();
                        }
                    });
            assertTrue(written.await(30, TimeUnit.SECONDS));
            assertEquals(BLOCK, result.get());
            second.release();
            ByteBuf back = Unpooled.directBuffer(2 * BLOCK);
            assertEquals(2 * BLOCK, await(ch.read(back, 0, AioRequestOptions.DEFAULT.withPriority(AioIoPriority.IDLE))));
            assertArrayEquals(data, ByteBufUtil.getBytes(back));
            back.release();
            assertMessage(NullPointerException.class, "options", ch.read(Unpooled.buffer(1), 0,
                    (AioRequestOptions) null));
        }
    }

    @Test
    void shouldFailBadInputWithMessagesNamingArgumentValueAndRequirement() throws Exception {
        Files.write(file, random(8192, 9));
        try (AioFileChannel ch = open(file, READ, WRITE)) {
            ByteBuf buf = Unpooled.directBuffer(16);
            assertMessage(IllegalArgumentException.class, "position: -1 (expected: >= 0)", ch.read(buf, -1));
            assertMessage(IllegalArgumentException.class, "position: -5 (expected: >= 0)",
                    ch.write(Unpooled.EMPTY_BUFFER, -5));
            assertMessage(IllegalArgumentException.class,
                    "position + length: 9223372036854775800 + 16 (expected: <= 9223372036854775807)",
                    ch.read(buf, Long.MAX_VALUE - 7));
            assertMessage(NullPointerException.class, "dst", ch.read((ByteBuf) null, 0));
            assertMessage(NullPointerException.class, "src", ch.write((ByteBuf) null, 0));
            assertMessage(NullPointerException.class, "dsts", ch.read((ByteBuf[]) null, 0));
            assertMessage(NullPointerException.class, "srcs[1]",
                    ch.write(new ByteBuf[]{Unpooled.EMPTY_BUFFER, null}, 0));
            assertMessage(NullPointerException.class, "promise", ch.read(buf, 0, (Promise<Integer>) null));
            ByteBuf readOnly = buf.asReadOnly();
            Throwable e = failure(ch.read(readOnly, 0));
            assertInstanceOf(IllegalArgumentException.class, e);
            assertTrue(e.getMessage().startsWith("dst: read-only buffer"), e.getMessage());

            ByteBuf released = Unpooled.directBuffer(16);
            released.release();
            assertMessage(IllegalArgumentException.class, "dst: released buffer (refCnt 0)", ch.read(released, 0));
            assertMessage(IllegalArgumentException.class, "src: released buffer (refCnt 0)", ch.write(released, 0));

            ByteBuf[] many = new ByteBuf[1025];
            Arrays.fill(many, Unpooled.directBuffer(1));
            assertMessage(IllegalArgumentException.class, "dsts: 1025 segments (expected: at most 1024)",
                    ch.read(many, 0));
            many[0].release();
            assertEquals(1, buf.refCnt(), "failed requests hold no reference");

            ByteBuf full = Unpooled.directBuffer(4).writeInt(7);
            assertEquals(0, await(ch.read(full, 0)), "no writable bytes: completes with 0");
            assertEquals(0, await(ch.write(Unpooled.EMPTY_BUFFER, 0)), "nothing to write: completes with 0");
            full.release();
            buf.release();
        }
        try (AioFileChannel ro = open(file, READ)) {
            Throwable e = failure(ro.write(Unpooled.wrappedBuffer(new byte[1]), 0));
            assertInstanceOf(NonWritableChannelException.class, e);
            assertTrue(e.getMessage().contains("opened without WRITE"), e.getMessage());
            assertInstanceOf(NonWritableChannelException.class, failure(ro.truncate(0)));
        }
        try (AioFileChannel wo = open(file, WRITE)) {
            ByteBuf dst = Unpooled.directBuffer(8);
            Throwable e = failure(wo.read(dst, 0));
            assertInstanceOf(NonReadableChannelException.class, e);
            assertTrue(e.getMessage().contains("opened without READ"), e.getMessage());
            dst.release();
        }
        FileSystemException dir = assertThrows(FileSystemException.class, () -> open(DIR, READ));
        assertTrue(dir.getMessage().contains("is a directory"), dir.getMessage());
        IOException missing = assertThrows(IOException.class, () -> open(DIR.resolve("missing"), READ));
        assertTrue(missing.getMessage().contains(DIR.resolve("missing").toString()), missing.getMessage());
        if (missing instanceof NativeIoException) { // the kernel engines open natively
            assertEquals("ENOENT", ((NativeIoException) missing).errnoName());
        } else {
            assertInstanceOf(java.nio.file.NoSuchFileException.class, missing); // the JDK's, on the blocking engine
        }
        IllegalArgumentException option = assertThrows(IllegalArgumentException.class,
                () -> open(file, READ, java.nio.file.StandardOpenOption.APPEND));
        assertTrue(option.getMessage().startsWith("options[1]: APPEND (expected:"), option.getMessage());
    }

    /**
     * Opening a FIFO waits, in open(2), for its other end: an event loop calling open would hang. So would a socket
     * fail, and a character device serve no positional I/O. Each is refused at once, naming path and type, for every
     * access mode, also through a symbolic link. Should an open block anyway, the test opens the FIFO's other end
     * itself to let it go, and fails.
     */
    @Test
    void shouldRefuseFifosSocketsAndCharacterDevicesAtOnceNamingPathAndType() throws Exception {
        Path fifo = DIR.resolve(file.getFileName() + ".fifo");
        Path socket = DIR.resolve(getClass().getSimpleName() + ".sock");
        Path link = DIR.resolve(file.getFileName() + ".link");
        for (Path p : List.of(fifo, socket, link)) {
            Files.deleteIfExists(p);
        }
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertTrue(mkfifo.waitFor(30, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "mkfifo failed");
        Files.createSymbolicLink(link, fifo);
        try (java.nio.channels.ServerSocketChannel server = java.nio.channels.ServerSocketChannel.open(
                java.net.StandardProtocolFamily.UNIX)) {
            // relative: a socket's path is limited to 107 bytes
            server.bind(java.net.UnixDomainSocketAddress.of(Paths.get("").toAbsolutePath().relativize(socket)));
            Object[][] cases = {{fifo, "a FIFO (named pipe)"}, {link, "a FIFO (named pipe)"}, {socket, "a socket"},
                {Paths.get("/dev/null"), "a character device"}};
            OpenOption[][] modes = {{READ}, {WRITE}, {READ, WRITE}};
            for (Object[] c : cases) {
                Path path = (Path) c[0];
                for (OpenOption[] mode : modes) {
                    FileSystemException e = assertInstanceOf(FileSystemException.class,
                            openWithin(() -> open(path, mode), fifo, path + " " + Arrays.toString(mode)));
                    assertEquals(path + ": is " + c[1] + " (expected: a regular file or a block device)",
                            e.getMessage());
                }
            }
        } finally {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(link);
            Files.deleteIfExists(fifo);
        }
    }

    /**
     * Runs {@code opening} on another thread; returns what it threw. Fails when it blocks for 10 s (after releasing
     * it by opening {@code fifo}'s other end).
     */
    static Throwable openWithin(java.util.concurrent.Callable<?> opening, Path fifo, String what) throws Exception {
        ExecutorService opener = Executors.newSingleThreadExecutor();
        try {
            java.util.concurrent.Future<Throwable> outcome = opener.submit(() -> {
                try {
                    return new AssertionError("opened: " + opening.call());
                } catch (Throwable t) {
                    return t;
                }
            });
            try {
                return outcome.get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                // O_RDWR never waits on a FIFO, and is the other end of any opener
                java.io.RandomAccessFile otherEnd = new java.io.RandomAccessFile(fifo.toFile(), "rw");
                try {
                    outcome.get(30, TimeUnit.SECONDS);
                } finally {
                    otherEnd.close();
                }
                throw new AssertionError("opening " + what + " blocked the calling thread");
            }
        } finally {
            opener.shutdown();
        }
    }

    /**
     * A block device is served like a file: here the loop device under a small ext4 (read only: it is mounted), on
     * every engine, buffered and O_DIRECT; its size is the device's (statx reports 0 for block devices).
     */
    @Test
    void shouldServeABlockDevice() throws Exception {
        String reason = io.nettyaio.channel.fault.LoopExt4.unavailableReason();
        org.junit.jupiter.api.Assumptions.assumeTrue(reason == null, reason);
        long size = 8L << 20;
        try (io.nettyaio.channel.fault.LoopExt4 ext4 = new io.nettyaio.channel.fault.LoopExt4(size)) {
            Path device = Paths.get(ext4.loopDevice());
            for (boolean direct : new boolean[]{false, true}) {
                AioFileChannel ch = AioFileChannel.open(device, executor(), direct
                        ? new OpenOption[]{READ, AioOpenOption.DIRECT} : new OpenOption[]{READ});
                try {
                    assertEquals(size, ch.size(), "the device's size");
                    ByteBuf superblock = AioBuffers.directBuffer(ch, BLOCK);
                    assertEquals(BLOCK, await(ch.read(superblock, 0)));
                    assertEquals(0xEF53, superblock.getUnsignedShortLE(1024 + 56), "ext4's magic number");
                    superblock.release();
                } finally {
                    await(ch.closeAsync());
                }
            }
        }
    }

    private static void assertMessage(Class<? extends Throwable> type, String message, Future<?> f)
            throws InterruptedException {
        Throwable e = failure(f);
        assertInstanceOf(type, e);
        assertEquals(message, e.getMessage());
    }

    @Test
    void shouldRefuseReadsIntoACompositeWithAReadOnlyComponentTouchingNothing() throws Exception {
        Files.write(file, random(BLOCK, 21));
        byte[] kept = {1, 2, 3, 4, 5, 6, 7, 8};
        try (AioFileChannel ch = open(file, READ)) {
            for (boolean direct : new boolean[]{true, false}) {
                ByteBuf writable = Unpooled.directBuffer(8).writeZero(8);
                ByteBuf backing = (direct ? Unpooled.directBuffer(8) : Unpooled.buffer(8)).writeBytes(kept);
                CompositeByteBuf composite = Unpooled.compositeBuffer();
                composite.addComponents(true, writable, backing.asReadOnly());
                composite.writerIndex(0);
                Throwable e = failure(ch.read(composite, 0));
                assertInstanceOf(IllegalArgumentException.class, e, "direct=" + direct);
                assertTrue(e.getMessage().startsWith("dst component 1: read-only buffer ")
                        && e.getMessage().endsWith("(expected: every component writable)"), e.getMessage());
                assertEquals(0, composite.writerIndex(), "indices untouched");
                assertArrayEquals(new byte[8], ByteBufUtil.getBytes(writable, 0, 8), "nothing written");
                assertArrayEquals(kept, ByteBufUtil.getBytes(backing, 0, 8), "nothing written");
                assertEquals(1, composite.refCnt(), "no reference kept");
                assertEquals(1, backing.refCnt(), "no reference kept");
                composite.release();
                assertEquals(0, backing.refCnt());
            }

            // Nested: a composite whose component is a composite with a read-only component
            CompositeByteBuf inner = Unpooled.compositeBuffer().addComponents(true,
                    Unpooled.buffer(8).writeZero(8), Unpooled.buffer(8).writeBytes(kept).asReadOnly());
            CompositeByteBuf outer = Unpooled.compositeBuffer().addComponents(true,
                    Unpooled.directBuffer(8).writeZero(8), inner);
            outer.writerIndex(0);
            Throwable e = failure(ch.read(outer, 0));
            assertInstanceOf(IllegalArgumentException.class, e);
            assertTrue(e.getMessage().startsWith("dst component 1 component 1: read-only buffer "), e.getMessage());
            assertEquals(0, outer.writerIndex());
            assertArrayEquals(new byte[16], ByteBufUtil.getBytes(outer, 0, 16), "nothing written");
            assertArrayEquals(kept, ByteBufUtil.getBytes(outer, 16, 8), "nothing written");
            assertEquals(1, outer.refCnt());
            outer.release();

            // A read-only component before the writer index holds data the read does not touch: that is fine
            CompositeByteBuf readBefore = Unpooled.compositeBuffer().addComponents(true,
                    Unpooled.directBuffer(8).writeBytes(kept).asReadOnly(), Unpooled.directBuffer(8).writeZero(8));
            readBefore.writerIndex(8);
            assertEquals(8, await(ch.read(readBefore, 0)));
            assertArrayEquals(kept, ByteBufUtil.getBytes(readBefore, 0, 8));
            assertArrayEquals(Arrays.copyOf(Files.readAllBytes(file), 8), ByteBufUtil.getBytes(readBefore, 8, 8));
            readBefore.release();
            await(ch.closeAsync());
        }
    }

    /**
     * Heap memory is bounced through one aligned direct buffer, which holds at most {@link AioBuffers#MAX_CAPACITY}
     * bytes: a larger request is refused up front, named. Here a composite of 1024 heap slices with a capacity of
     * {@link Integer#MAX_VALUE}, and 1024 slices of 2 MiB to write (2 GiB), all views of one 2 MiB array.
     */
    @Test
    void shouldRefuseHeapRequestsLargerThanABounceBufferCanHold() throws Exception {
        int slice = 2 << 20;
        ByteBuf heap = Unpooled.buffer(slice, slice).writeZero(slice);
        try (AioFileChannel ch = open(file, READ, WRITE, CREATE)) {
            CompositeByteBuf huge = Unpooled.compositeBuffer(1024);
            for (int i = 0; i < 1023; i++) {
                huge.addComponent(true, heap.retainedSlice(0, slice));
            }
            huge.addComponent(true, heap.retainedSlice(0, Integer.MAX_VALUE - 1023 * slice));
            huge.writerIndex(0);
            assertEquals(Integer.MAX_VALUE, huge.writableBytes());
            assertMessage(IllegalArgumentException.class, "dst: 2147483647 bytes in buffers without a memory address "
                    + "(expected: at most 2147479552 when bounced)", ch.read(huge, 0));
            assertEquals(0, huge.writerIndex());
            huge.release();

            ByteBuf[] srcs = new ByteBuf[1024];
            for (int i = 0; i < srcs.length; i++) {
                srcs[i] = heap.retainedSlice(0, slice);
            }
            assertMessage(IllegalArgumentException.class, "srcs: 2147483648 bytes in buffers without a memory address "
                    + "(expected: at most 2147479552 when bounced)", ch.write(srcs, 0));
            for (ByteBuf s : srcs) {
                assertEquals(0, s.readerIndex());
                s.release();
            }
            assertEquals(0, ch.size(), "nothing written");
            assertEquals(1, heap.refCnt(), "no reference kept");
        } finally {
            heap.release();
        }
    }

    /**
     * The caller released the channel's reference too, while the read was in flight (released on the completion
     * loop, right after the call, so before the read can finish): moving the writer index then throws, and so does
     * the channel's release. The future must fail with that, not stay pending, and the file must still close.
     */
    @Test
    void shouldFailTheFutureAndStillCloseWhenFinishingARequestThrows() throws Exception {
        Files.write(file, random(BLOCK, 22));
        // Not open(..): its close() in tearDown would wait forever for a close that never completes
        AioFileChannel ch = AioFileChannel.open(file, executor(), READ);
        ByteBuf heap = Unpooled.buffer(BLOCK);
        Future<Integer> read = ch.completionLoop().submit(() -> {
            Future<Integer> f = ch.read(heap, 0);
            heap.release(2); // ours, and the channel's
            return f;
        }).get(30, TimeUnit.SECONDS);
        assertTrue(read.await(30, TimeUnit.SECONDS), "the read's future never completed");
        assertInstanceOf(io.netty.util.IllegalReferenceCountException.class, read.cause());
        assertEquals(0, heap.refCnt());
        Future<Void> closed = ch.closeAsync();
        assertTrue(closed.await(30, TimeUnit.SECONDS), "the close never completed");
        assertTrue(closed.isSuccess(), () -> "close failed: " + closed.cause());
    }

    @Test
    void shouldFailRequestsOnClosedChannel() throws Exception {
        AioFileChannel ch = open(file, READ, WRITE, CREATE);
        assertTrue(ch.isOpen());
        Future<Void> closed = ch.closeAsync();
        assertSame(closed, ch.closeAsync(), "idempotent");
        await(closed);
        assertFalse(ch.isOpen());
        ByteBuf buf = Unpooled.directBuffer(8);
        assertInstanceOf(ClosedChannelException.class, failure(ch.read(buf, 0)));
        assertInstanceOf(ClosedChannelException.class, failure(ch.fsync()));
        assertThrows(ClosedChannelException.class, ch::size);
        assertEquals(1, buf.refCnt());
        buf.release();
    }

    @Test
    void shouldKeepMemoryValidWhenCallerReleasesDuringRequest() throws Exception {
        byte[] data = random(64 * 1024, 10);
        Files.write(file, data);
        try (AioFileChannel ch = open(file, READ)) {
            List<Future<Integer>> futures = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                ByteBuf dst = Unpooled.directBuffer(BLOCK);
                futures.add(ch.read(dst, (long) (i % 16) * BLOCK));
                dst.release(); // the channel's own reference keeps the memory alive
            }
            for (Future<Integer> f : futures) {
                assertEquals(BLOCK, await(f));
            }
        }
    }

    @Test
    void shouldRunListenersOnTheExecutorAndChainPromises() throws Exception {
        byte[] data = random(BLOCK, 11);
        Files.write(file, data);
        Path out = DIR.resolve(file.getFileName() + ".out");
        Files.deleteIfExists(out);
        try (AioFileChannel in = open(file, READ); AioFileChannel dst = open(out, WRITE, CREATE)) {
            EventExecutor exec = executor();
            Promise<Void> done = exec.newPromise();
            AtomicReference<Thread> listenerThread = new AtomicReference<>();
            ByteBuf buf = Unpooled.directBuffer(BLOCK);
            in.read(buf, 0).addListener(r -> {
                listenerThread.set(Thread.currentThread());
                if (!r.isSuccess()) {
                    buf.release();
                    done.setFailure(r.cause());
                    return;
                }
                ByteBuf copy = buf.copy();
                Future<Integer> w1 = dst.write(buf, 0);
                Future<Integer> w2 = dst.write(copy, BLOCK);
                PromiseCombiner combiner = new PromiseCombiner(exec);
                combiner.addAll(w1, w2);
                Promise<Void> both = exec.newPromise();
                combiner.finish(both);
                both.addListener(w -> {
                    buf.release();
                    copy.release();
                    if (!w.isSuccess()) {
                        done.setFailure(w.cause());
                    } else {
                        dst.fdatasync().addListener(s -> {
                            if (s.isSuccess()) {
                                done.setSuccess(null);
                            } else {
                                done.setFailure(s.cause());
                            }
                        });
                    }
                });
            });
            await(done);
            assertTrue(exec.inEventLoop(listenerThread.get()), "listener ran on " + listenerThread.get());
        }
        byte[] twice = new byte[2 * BLOCK];
        System.arraycopy(data, 0, twice, 0, BLOCK);
        System.arraycopy(data, 0, twice, BLOCK, BLOCK);
        assertArrayEquals(twice, Files.readAllBytes(out));
    }

    @Test
    void shouldCompleteHandlersOnTheCompletionLoopWithoutPromises() throws Exception {
        byte[] data = random(2 * BLOCK, 15);
        try (AioFileChannel ch = open(file, READ, WRITE, CREATE)) {
            ByteBuf src = Unpooled.directBuffer(data.length).writeBytes(data);
            ByteBuf dst = Unpooled.directBuffer(4 * BLOCK);
            ByteBuf eof = Unpooled.directBuffer(BLOCK);
            List<String> outcomes = java.util.Collections.synchronizedList(new ArrayList<>());
            Set<Thread> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
            CountDownLatch done = new CountDownLatch(4);
            AioCompletionHandler<String> handler = new AioCompletionHandler<String>() {
                @Override
                public void completed(int result, String attachment) {
                    threads.add(Thread.currentThread());
                    outcomes.add(attachment + "=" + result);
                    if ("write".equals(attachment)) {
                        ch.read(dst, 0, "read", this);
                        ch.read(eof, 1 << 20, "eof", this);
                    }
                    done.countDown();
                }

                @Override
                public void failed(Throwable cause, String attachment) {
                    outcomes.add(attachment + "!" + cause.getMessage());
                    done.countDown();
                }
            };
            ch.write(src, 0, "write", handler);
            ch.read(dst, -1, "bad", handler); // bad input: called at once, on this thread
            assertTrue(done.await(30, TimeUnit.SECONDS), outcomes.toString());
            assertTrue(outcomes.containsAll(List.of("write=" + data.length, "read=" + data.length, "eof=-1",
                    "bad!position: -1 (expected: >= 0)")), outcomes.toString());
            assertEquals(data.length, src.readerIndex());
            assertArrayEquals(data, ByteBufUtil.getBytes(dst));
            threads.forEach(t -> assertTrue(ch.completionLoop().inEventLoop(t), "handler ran on " + t));
            assertThrows(NullPointerException.class, () -> ch.read(dst, 0, null, null));
            src.release();
            dst.release();
            eof.release();
        }
    }

    @Test
    void shouldCancelOnlyBeforeSubmission() throws Exception {
        Files.write(file, random(BLOCK, 12));
        try (AioFileChannel ch = open(file, READ)) {
            ByteBuf buf = Unpooled.directBuffer(BLOCK);
            Future<Integer> f = ch.read(buf, 0);
            await(f);
            assertFalse(f.cancel(false), "a completed request cannot be cancelled");
            buf.release();
        }
    }

    @Test
    void shouldVerifyRandomReadsAndWritesFromManyThreadsAgainstAModel() throws Exception {
        int threads = 8;
        int opsPerThread = Integer.getInteger("contract.randomOps", 50_000) / threads;
        int regionBlocks = 64;
        int block = 512;
        try (AioFileChannel ch = open(file, READ, WRITE, CREATE)) {
            await(ch.truncate((long) threads * regionBlocks * block));
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            AtomicReference<Throwable> error = new AtomicReference<>();
            AtomicInteger verifiedReads = new AtomicInteger();
            CountDownLatch finished = new CountDownLatch(threads);
            for (int t = 0; t < threads; t++) {
                int thread = t;
                pool.execute(() -> {
                    // each thread owns a region, so its model is exact; depth 8 of outstanding requests
                    byte[] model = new byte[regionBlocks * block];
                    Random rnd = new Random(thread);
                    long base = (long) thread * regionBlocks * block;
                    try {
                        List<Future<?>> window = new ArrayList<>();
                        int[] lastWriteBlock = new int[regionBlocks];
                        for (int op = 0; op < opsPerThread && error.get() == null; op++) {
                            int b = rnd.nextInt(regionBlocks);
                            if (rnd.nextBoolean()) {
                                byte[] data = new byte[block];
                                rnd.nextBytes(data);
                                System.arraycopy(data, 0, model, b * block, block);
                                // wait for outstanding requests: a write must not race a read of its block
                                drain(window);
                                ByteBuf src = rnd.nextBoolean() ? Unpooled.directBuffer(block).writeBytes(data)
                                        : Unpooled.wrappedBuffer(data);
                                Future<Integer> w = ch.write(src, base + (long) b * block);
                                src.release();
                                window.add(w);
                                lastWriteBlock[b] = op;
                                drain(window);
                            } else {
                                ByteBuf dst = Unpooled.directBuffer(block);
                                byte[] expected = Arrays.copyOfRange(model, b * block, (b + 1) * block);
                                Future<Integer> r = ch.read(dst, base + (long) b * block);
                                r.addListener(x -> {
                                    try {
                                        if (!x.isSuccess()) {
                                            error.compareAndSet(null, x.cause());
                                        } else if (!Arrays.equals(expected, ByteBufUtil.getBytes(dst))) {
                                            error.compareAndSet(null, new AssertionError(
                                                    "thread " + thread + " block " + b + " differs from model"));
                                        } else {
                                            verifiedReads.incrementAndGet();
                                        }
                                    } finally {
                                        dst.release();
                                    }
                                });
                                window.add(r);
                                if (window.size() >= 8) {
                                    drain(window);
                                }
                            }
                        }
                        drain(window);
                    } catch (Throwable e) {
                        error.compareAndSet(null, e);
                    } finally {
                        finished.countDown();
                    }
                });
            }
            assertTrue(finished.await(100, TimeUnit.SECONDS), "workers did not finish");
            pool.shutdown();
            if (error.get() != null) {
                throw new AssertionError("random workload failed", error.get());
            }
            assertTrue(verifiedReads.get() > opsPerThread, "verified reads: " + verifiedReads.get());
        }
    }

    private static void drain(List<Future<?>> window) throws Exception {
        for (Future<?> f : window) {
            assertTrue(f.await(60, TimeUnit.SECONDS), "request did not complete");
            if (!f.isSuccess()) {
                throw new AssertionError("request failed", f.cause());
            }
        }
        window.clear();
    }

    @Test
    void shouldCompleteOrFailEveryRequestExactlyOnceWhenClosedWithThousandInFlight() throws Exception {
        Files.write(file, random(1 << 20, 13));
        AioFileChannel ch = open(file, READ);
        int n = 1000;
        AtomicInteger succeeded = new AtomicInteger();
        AtomicInteger closedFailures = new AtomicInteger();
        AtomicInteger otherFailures = new AtomicInteger();
        AtomicInteger notifications = new AtomicInteger();
        CountDownLatch all = new CountDownLatch(n);
        for (int i = 0; i < n; i++) {
            ByteBuf dst = Unpooled.directBuffer(BLOCK);
            ch.read(dst, (long) (i % 256) * BLOCK).addListener(f -> {
                notifications.incrementAndGet();
                if (f.isSuccess()) {
                    succeeded.incrementAndGet();
                } else if (f.cause() instanceof ClosedChannelException) {
                    closedFailures.incrementAndGet();
                } else {
                    otherFailures.incrementAndGet();
                }
                dst.release();
                all.countDown();
            });
        }
        Future<Void> closed = ch.closeAsync();
        assertTrue(all.await(60, TimeUnit.SECONDS), "every request must complete");
        await(closed);
        assertEquals(n, succeeded.get() + closedFailures.get(), "otherFailures=" + otherFailures.get());
        assertEquals(n, notifications.get(), "each future completes exactly once");
        assertEquals(0, otherFailures.get());
    }

    /** procfs has no direct I/O: opening one of its files with DIRECT fails with EINVAL, which says only that. */
    @Test
    void shouldSayThatODirectIsWhatTheFileSystemRefusesAtOpen() throws Exception {
        Path proc = Paths.get("/proc/self/status");
        IOException e = assertThrows(IOException.class, () -> open(proc, READ, AioOpenOption.DIRECT));
        assertTrue(e.getMessage().contains("O_DIRECT (AioOpenOption.DIRECT) is not supported by this file system "
                + "(proc) (expected: a file system with direct I/O, such as ext4, xfs or btrfs"), e.getMessage());
        assertTrue(e.getMessage().contains(proc.toString()), e.getMessage());
        if (e instanceof NativeIoException) {
            assertEquals("EINVAL", ((NativeIoException) e).errnoName());
        } else {
            assertInstanceOf(FileSystemException.class, e, "the JDK's, on the fallback engine");
            assertNotNull(e.getCause());
        }
    }

    /**
     * Past the largest file the file system allows (ext4: 16 TiB), writes, truncate and allocate fail with EFBIG.
     * Every engine names the operation, the file and the position; the kernel engine's errors are
     * {@link NativeIoException}s, the fallback engine's keep the JDK's exception as their cause.
     */
    @Test
    void shouldNameOperationFileAndPositionWhenTheFileSystemRefuses() throws Exception {
        long far = 1L << 50;
        try (AioFileChannel ch = open(file, READ, WRITE, CREATE)) {
            ByteBuf src = Unpooled.directBuffer(BLOCK).writeZero(BLOCK);
            ByteBuf heap = Unpooled.buffer(BLOCK).writeZero(BLOCK);
            Object[][] cases = {
                {ch.write(src, far), "pwrite", "file " + file + ", position " + far + ", length " + BLOCK},
                {ch.write(heap, far), "pwrite", "file " + file + ", position " + far + ", length " + BLOCK},
                {ch.truncate(far), "ftruncate", "file " + file + ", size " + far},
                {ch.allocate(far, BLOCK), "fallocate", "file " + file + ", position " + far + ", length " + BLOCK},
            };
            for (Object[] c : cases) {
                Throwable e = failure((Future<?>) c[0]);
                assertInstanceOf(IOException.class, e);
                assertTrue(e.getMessage().startsWith(c[1] + "(..) failed"), e.getMessage());
                assertTrue(e.getMessage().endsWith("; " + c[2]), e.getMessage());
                if (e instanceof NativeIoException) {
                    assertEquals("EFBIG", ((NativeIoException) e).errnoName(), e.getMessage());
                } else {
                    assertFalse(Aio.isAvailable(), "the kernel engine reports NativeIoException: " + e);
                    assertInstanceOf(IOException.class, e.getCause(), "the JDK's exception is the cause");
                    assertTrue(e.getMessage().contains(e.getCause().getMessage()), e.getMessage());
                }
            }
            assertEquals(0, src.readerIndex());
            assertEquals(0, heap.readerIndex());
            src.release();
            heap.release();
            assertEquals(0, ch.size());
        }
    }

    @Test
    void shouldReportKernelErrorsAsNativeIoException() throws Exception {
        Files.write(file, random(BLOCK, 14));
        try (AioFileChannel ch = open(file, READ, WRITE)) {
            ByteBuf dst = Unpooled.directBuffer(BLOCK);
            assertEquals(BLOCK, await(ch.read(dst, 0)));
            dst.release();
        }
    }

    /**
     * 500 reads of {@code ch}, whose listeners must all run on {@code loop}, and which the loop's own engine
     * submitted (a loop of Netty's that drives the engine itself, with no thread of ours in between).
     */
    static void assertReadsCompleteOnlyOn(EventExecutor loop, AioFileChannel ch) throws Exception {
        Set<Thread> listenerThreads = ConcurrentHashMap.newKeySet();
        int n = 500;
        CountDownLatch done = new CountDownLatch(n);
        AtomicInteger ok = new AtomicInteger();
        long submittedBefore = ch.metrics().submitted();
        for (int i = 0; i < n; i++) {
            ByteBuf dst = AioBuffers.directBuffer(ch, BLOCK);
            ch.read(dst, (long) (i % 64) * BLOCK).addListener(f -> {
                listenerThreads.add(Thread.currentThread());
                if (f.isSuccess()) {
                    ok.incrementAndGet();
                }
                dst.release();
                done.countDown();
            });
        }
        assertTrue(done.await(30, TimeUnit.SECONDS));
        assertEquals(n, ok.get());
        assertEquals(1, listenerThreads.size(), "listeners ran on " + listenerThreads);
        assertTrue(loop.inEventLoop(listenerThreads.iterator().next()));
        assertTrue(ch.metrics().submitted() - submittedBefore >= n, "the loop's own engine submitted them");
    }

    /**
     * Completion handlers that keep issuing the next read (cached buffered reads, which may complete while they are
     * being submitted) must not keep the completion loop from its tasks: a task scheduled 20 ms ahead runs on time
     * while 16 such chains run, and stops them. Unbounded (an io_uring run that resubmits what its completions ask
     * for), it ran 0.8-1 s late here, until the listeners' own hand-offs to the task queue ended the run.
     */
    @Test
    void shouldRunScheduledTasksWhileCompletionHandlersKeepReissuingReads() throws Exception {
        int blocks = 64;
        byte[] data = random(blocks * BLOCK, 52);
        Files.write(file, data); // just written: in the page cache
        try (AioFileChannel ch = open(file, READ)) {
            ByteBuf first = Unpooled.directBuffer(BLOCK);
            assertEquals(BLOCK, await(ch.read(first, 0))); // the loop and its engine are up
            first.release();
            int chains = 16;
            long start = System.nanoTime();
            ReadChains run = new ReadChains(ch, data, chains, start + TimeUnit.SECONDS.toNanos(10));
            long due = start + TimeUnit.MILLISECONDS.toNanos(20);
            AtomicLong lateNanos = new AtomicLong(-1);
            ScheduledFuture<?> probe = ch.completionLoop().schedule(() -> {
                lateNanos.set(System.nanoTime() - due);
                run.stop.set(true);
            }, 20, TimeUnit.MILLISECONDS);
            for (int c = 0; c < chains; c++) {
                run.next(Unpooled.directBuffer(BLOCK), c);
            }
            assertTrue(run.done.await(60, TimeUnit.SECONDS), "the chains ended");
            probe.get(10, TimeUnit.SECONDS);
            System.out.printf("%s: %d chained reads in %d ms; the task due at 20 ms ran %.3f ms late%n",
                    getClass().getSimpleName(), run.reads.get(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), lateNanos.get() / 1e6);
            assertEquals(0, run.wrong.get(), "reads that failed or returned other bytes");
            assertTrue(run.reads.get() >= chains, "every chain read: " + run.reads.get());
            assertTrue(lateNanos.get() < TimeUnit.MILLISECONDS.toNanos(300), "the scheduled task ran "
                    + lateNanos.get() / 1_000_000 + " ms late, after " + run.reads.get() + " chained reads");
        }
    }

    /** Chains of reads, each issued by the previous one's listener, until told to stop or past a deadline. */
    private static final class ReadChains {
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong reads = new AtomicLong();
        final AtomicInteger wrong = new AtomicInteger();
        final CountDownLatch done;
        private final AioFileChannel ch;
        private final byte[] data;
        private final long deadlineNanos;

        ReadChains(AioFileChannel ch, byte[] data, int chains, long deadlineNanos) {
            this.ch = ch;
            this.data = data;
            this.deadlineNanos = deadlineNanos;
            this.done = new CountDownLatch(chains);
        }

        void next(ByteBuf dst, int seq) {
            int pos = seq % (data.length / BLOCK) * BLOCK;
            dst.clear();
            ch.read(dst, pos).addListener(f -> {
                reads.incrementAndGet();
                // One leak record per read, not one per 8 bytes as ByteBufUtil.equals costs under PARANOID
                if (!f.isSuccess() || !dst.nioBuffer().equals(ByteBuffer.wrap(data, pos, BLOCK))) {
                    wrong.incrementAndGet();
                }
                if (!f.isSuccess() || stop.get() || System.nanoTime() - deadlineNanos > 0) {
                    dst.release();
                    done.countDown();
                } else {
                    next(dst, seq + 7);
                }
            });
        }
    }
}
