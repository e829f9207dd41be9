package io.nettyaio.channel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.nettyaio.linux.NativeIoException;
import io.nettyaio.linux.NativeResources;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.nettyaio.channel.ReliabilitySupport.BLOCK;
import static io.nettyaio.channel.ReliabilitySupport.await;
import static io.nettyaio.channel.ReliabilitySupport.random;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every kind of bad input, one row each: the exact exception type and message, or the exact result for inputs that
 * are odd but valid (zero length, a buffer released by the caller mid-flight). Future-returning methods must never
 * throw; afterwards every buffer the row used has its reference count and indices exactly as before, and nothing
 * leaks (descriptors, buffers).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BadInputTableTest {
    private static AioEventLoopGroup group;
    private static AioEventLoop loop;

    private Fixture fx;

    @BeforeAll
    static void startGroup() {
        ReliabilitySupport.assumeLinuxAio();
        group = new AioEventLoopGroup(1, 16);
        loop = group.next();
    }

    @AfterAll
    static void stopGroup() throws InterruptedException {
        if (group == null) {
            return;
        }
        assertTrue(group.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(30, TimeUnit.SECONDS));
    }

    @BeforeEach
    void setUp() throws IOException, InterruptedException {
        fx = new Fixture();
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        if (fx == null) {
            return;
        }
        fx.close();
        LeakRecorder.assertNoLeaks();
    }

    /** The channels, files and buffers a row works with; buffers made by {@link #track} are checked afterwards. */
    static final class Fixture {
        final long filesBefore = NativeResources.openFiles();
        final Path file;
        final Path dir;
        final byte[] content = random(8 * BLOCK, 42);
        final AioFileChannel rw;
        final AioFileChannel direct;
        final AioFileChannel readOnly;
        final AioFileChannel writeOnly;
        final AioFileChannel closed;
        private final List<ByteBuf> tracked = new ArrayList<>();
        private final List<int[]> state = new ArrayList<>();
        private final List<ByteBuf> owned = new ArrayList<>();

        Fixture() throws IOException, InterruptedException {
            file = ReliabilitySupport.file("bad-input.dat");
            Files.write(file, content);
            dir = ReliabilitySupport.DIR;
            rw = AioFileChannel.open(file, loop, READ, WRITE);
            direct = AioFileChannel.open(file, loop, READ, WRITE, AioOpenOption.DIRECT);
            readOnly = AioFileChannel.open(file, loop, READ);
            writeOnly = AioFileChannel.open(file, loop, WRITE);
            closed = AioFileChannel.open(file, loop, READ, WRITE);
            await(closed.closeAsync());
        }

        /** A buffer the row may use; after the row its refCnt and indices must be as they are now. */
        ByteBuf track(ByteBuf buf) {
            tracked.add(buf);
            state.add(new int[]{buf.refCnt(), buf.readerIndex(), buf.writerIndex()});
            owned.add(buf);
            return buf;
        }

        ByteBuf direct16() {
            return track(Unpooled.directBuffer(16));
        }

        ByteBuf src16() {
            return track(Unpooled.directBuffer(16).writeBytes(random(16, 1)));
        }

        ByteBuf aligned(int capacity) {
            return track(AioBuffers.directBuffer(direct, capacity));
        }

        ByteBuf alignedWithReadable(int capacity, int readable) {
            return track(AioBuffers.directBuffer(direct, capacity).writeZero(readable));
        }

        ByteBuf released() {
            ByteBuf b = Unpooled.directBuffer(16).writeZero(8);
            b.release();
            return b;
        }

        int align() {
            return direct.offsetAlignment();
        }

        void assertBuffersUntouched() {
            for (int i = 0; i < tracked.size(); i++) {
                ByteBuf b = tracked.get(i);
                int[] s = state.get(i);
                assertEquals(s[0], b.refCnt(), "refCnt of buffer " + i);
                assertEquals(s[1], b.readerIndex(), "readerIndex of buffer " + i);
                assertEquals(s[2], b.writerIndex(), "writerIndex of buffer " + i);
            }
        }

        void close() throws InterruptedException {
            for (AioFileChannel ch : List.of(rw, direct, readOnly, writeOnly, closed)) {
                await(ch.closeAsync());
            }
            for (ByteBuf b : owned) {
                if (b.refCnt() > 0) {
                    b.release(b.refCnt());
                }
            }
            assertEquals(filesBefore, NativeResources.openFiles(), "file descriptors leaked");
        }
    }

    /** What a row expects: a failed future, an exception thrown (only by methods that return no future), or a value. */
    static final class Outcome {
        Future<?> future;
        Throwable thrown;
        Class<? extends Throwable> type;
        String message;
        Object value;
        boolean expectSuccess;
        Runnable afterwards = () -> { };

        Outcome then(Runnable check) {
            afterwards = check;
            return this;
        }
    }

    interface Case {
        Outcome run(Fixture fx) throws Exception;
    }

    static Outcome fails(Future<?> f, Class<? extends Throwable> type, String message) {
        Outcome o = new Outcome();
        o.future = f;
        o.type = type;
        o.message = message;
        return o;
    }

    static Outcome throwsNow(Executable call, Class<? extends Throwable> type, String message) {
        Outcome o = new Outcome();
        try {
            call.execute();
        } catch (Throwable t) {
            o.thrown = t;
        }
        o.type = type;
        o.message = message;
        return o;
    }

    static Outcome succeeds(Future<?> f, Object value) {
        Outcome o = new Outcome();
        o.future = f;
        o.value = value;
        o.expectSuccess = true;
        return o;
    }

    static Arguments row(String name, Case c) {
        return Arguments.of(name, c);
    }

    private static final String MAX = String.valueOf(Long.MAX_VALUE);

    static Stream<Arguments> rows() {
        return Stream.of(
            // ---- positions and lengths
            row("negative position", fx -> fails(fx.rw.read(fx.direct16(), -1),
                    IllegalArgumentException.class, "position: -1 (expected: >= 0)")),
            row("Long.MIN_VALUE position", fx -> fails(fx.rw.write(fx.src16(), Long.MIN_VALUE),
                    IllegalArgumentException.class, "position: -9223372036854775808 (expected: >= 0)")),
            row("negative position, vectored", fx -> fails(fx.rw.read(new ByteBuf[]{fx.direct16()}, -4096),
                    IllegalArgumentException.class, "position: -4096 (expected: >= 0)")),
            row("read ending past Long.MAX_VALUE", fx -> fails(fx.rw.read(fx.direct16(), Long.MAX_VALUE - 7),
                    IllegalArgumentException.class,
                    "position + length: 9223372036854775800 + 16 (expected: <= " + MAX + ")")),
            row("write ending past Long.MAX_VALUE", fx -> fails(fx.rw.write(fx.src16(), Long.MAX_VALUE),
                    IllegalArgumentException.class,
                    "position + length: " + MAX + " + 16 (expected: <= " + MAX + ")")),
            row("gather write ending past Long.MAX_VALUE",
                fx -> fails(fx.rw.write(new ByteBuf[]{fx.src16(), fx.src16()}, Long.MAX_VALUE - 20),
                    IllegalArgumentException.class,
                    "position + length: 9223372036854775787 + 32 (expected: <= " + MAX + ")")),
            row("readFully ending past Long.MAX_VALUE", fx -> fails(fx.rw.readFully(fx.direct16(), Long.MAX_VALUE),
                    IllegalArgumentException.class,
                    "position + length: " + MAX + " + 16 (expected: <= " + MAX + ")")),
            row("allocate ending past Long.MAX_VALUE", fx -> fails(fx.rw.allocate(1, Long.MAX_VALUE),
                    IllegalArgumentException.class,
                    "position + length: 1 + " + MAX + " (expected: <= " + MAX + ")")),
            row("allocate of zero bytes", fx -> fails(fx.rw.allocate(0, 0),
                    IllegalArgumentException.class, "length: 0 (expected: > 0)")),
            row("allocate at a negative position", fx -> fails(fx.rw.allocate(-1, 10),
                    IllegalArgumentException.class, "position: -1 (expected: >= 0)")),
            row("truncate to a negative size", fx -> fails(fx.rw.truncate(-1),
                    IllegalArgumentException.class, "size: -1 (expected: >= 0)")),
            row("write beyond the filesystem's largest file", fx -> fails(fx.rw.write(fx.src16(), 1L << 60),
                    NativeIoException.class, "pwrite(..) failed with error(-27): File too large [EFBIG]; file "
                    + fx.file + ", position 1152921504606846976, length 16")),
            row("read far beyond end of file", fx -> succeeds(fx.rw.read(fx.direct16(), 1L << 60), -1)),

            // ---- buffers
            row("released dst", fx -> fails(fx.rw.read(fx.released(), 0),
                    IllegalArgumentException.class, "dst: released buffer (refCnt 0)")),
            row("released src", fx -> fails(fx.rw.write(fx.released(), 0),
                    IllegalArgumentException.class, "src: released buffer (refCnt 0)")),
            row("released element of srcs", fx -> fails(fx.rw.write(new ByteBuf[]{fx.src16(), fx.released()}, 0),
                    IllegalArgumentException.class, "srcs[1]: released buffer (refCnt 0)")),
            row("read into a read-only buffer", fx -> {
                ByteBuf ro = fx.direct16().asReadOnly();
                return fails(fx.rw.read(ro, 0), IllegalArgumentException.class,
                        "dst: read-only buffer " + ro + " (expected: a writable buffer)");
            }),
            row("read into a read-only element of dsts", fx -> {
                ByteBuf ro = fx.direct16().asReadOnly();
                return fails(fx.rw.read(new ByteBuf[]{fx.direct16(), ro}, 0), IllegalArgumentException.class,
                        "dsts[1]: read-only buffer " + ro + " (expected: a writable buffer)");
            }),
            row("write from a read-only buffer is fine", fx -> {
                ByteBuf ro = fx.src16().asReadOnly();
                return succeeds(fx.rw.write(ro, 0), 16).then(() -> assertEquals(16, ro.readerIndex()));
            }),
            row("zero-length read", fx -> {
                ByteBuf full = fx.track(Unpooled.directBuffer(4).writeInt(7));
                return succeeds(fx.rw.read(full, 0), 0);
            }),
            row("zero-length write", fx -> succeeds(fx.rw.write(fx.track(Unpooled.directBuffer(8)), 0), 0)),
            row("zero-length readFully", fx -> {
                ByteBuf full = fx.track(Unpooled.directBuffer(4).writeInt(7));
                return succeeds(fx.rw.readFully(full, 0), 0);
            }),
            row("empty ByteBuf[]", fx -> succeeds(fx.rw.write(new ByteBuf[0], 0), 0L)),
            row("ByteBuf[] of empty buffers", fx -> succeeds(fx.rw.write(new ByteBuf[]{Unpooled.EMPTY_BUFFER,
                fx.track(Unpooled.directBuffer(4))}, 0), 0L)),
            row("zero-length DIRECT read at a misaligned position",
                fx -> succeeds(fx.direct.read(fx.track(Unpooled.directBuffer(0)), 3), 0)),
            row("1025 segments in ByteBuf[]", fx -> {
                ByteBuf one = fx.direct16();
                ByteBuf[] many = new ByteBuf[1025];
                for (int i = 0; i < many.length; i++) {
                    many[i] = one.slice(i % 16, 1).clear(); // slices share one's reference count
                }
                return fails(fx.rw.read(many, 0), IllegalArgumentException.class,
                        "dsts: 1025 segments (expected: at most 1024)");
            }),
            row("1025 components in a CompositeByteBuf", fx -> {
                CompositeByteBuf c = Unpooled.compositeBuffer(2048);
                for (int i = 0; i < 1025; i++) {
                    c.addComponent(true, Unpooled.directBuffer(1).writeByte(i));
                }
                fx.track(c);
                return fails(fx.rw.write(c, 0), IllegalArgumentException.class,
                        "src: 1025 segments (expected: at most 1024)");
            }),
            row("1024 segments are fine", fx -> {
                CompositeByteBuf c = Unpooled.compositeBuffer(2048);
                for (int i = 0; i < 1024; i++) {
                    c.addComponent(true, Unpooled.directBuffer(1).writeByte(i));
                }
                fx.owned.add(c);
                return succeeds(fx.rw.write(c, 0), 1024).then(() -> assertEquals(1024, c.readerIndex()));
            }),
            row("dst released by the caller while in flight", fx -> {
                ByteBuf dst = Unpooled.directBuffer(BLOCK);
                Future<Integer> f = fx.rw.read(dst, BLOCK);
                dst.release(); // the channel's own reference keeps the memory valid until the kernel is done
                return succeeds(f, BLOCK);
            }),
            row("src released by the caller while in flight", fx -> {
                byte[] data = random(BLOCK, 3);
                ByteBuf src = Unpooled.directBuffer(BLOCK).writeBytes(data);
                Future<Integer> f = fx.rw.write(src, 2 * BLOCK);
                src.release();
                return succeeds(f, BLOCK).then(() -> {
                    try {
                        assertArrayEquals(data, Arrays.copyOfRange(Files.readAllBytes(fx.file), 2 * BLOCK,
                                3 * BLOCK), "the kernel wrote the caller's bytes, not freed memory");
                    } catch (IOException e) {
                        throw new AssertionError(e);
                    }
                });
            }),
            row("heap src released by the caller while in flight (bounced)", fx -> {
                ByteBuf src = Unpooled.wrappedBuffer(random(BLOCK, 4));
                Future<Integer> f = fx.rw.write(src, 3 * BLOCK);
                src.release();
                return succeeds(f, BLOCK);
            }),

            // ---- nulls
            row("null dst", fx -> fails(fx.rw.read((ByteBuf) null, 0), NullPointerException.class, "dst")),
            row("null src", fx -> fails(fx.rw.write((ByteBuf) null, 0), NullPointerException.class, "src")),
            row("null dsts", fx -> fails(fx.rw.read((ByteBuf[]) null, 0), NullPointerException.class, "dsts")),
            row("null srcs", fx -> fails(fx.rw.write((ByteBuf[]) null, 0), NullPointerException.class, "srcs")),
            row("null element in srcs", fx -> fails(fx.rw.write(new ByteBuf[]{fx.src16(), null}, 0),
                    NullPointerException.class, "srcs[1]")),
            row("null element in dsts", fx -> fails(fx.rw.read(new ByteBuf[]{null, fx.direct16()}, 0),
                    NullPointerException.class, "dsts[0]")),
            row("null promise", fx -> fails(fx.rw.read(fx.direct16(), 0, (Promise<Integer>) null),
                    NullPointerException.class, "promise")),
            row("null path", fx -> throwsNow(() -> AioFileChannel.open(null, loop, READ),
                    NullPointerException.class, "path")),
            row("null executor", fx -> throwsNow(() -> AioFileChannel.open(fx.file, (EventExecutor) null, READ),
                    NullPointerException.class, "executor")),
            row("null option", fx -> throwsNow(() -> AioFileChannel.open(fx.file, loop, (OpenOption) null),
                    NullPointerException.class, "options[0]")),

            // ---- DIRECT alignment
            row("misaligned DIRECT position", fx -> fails(fx.direct.read(fx.aligned(BLOCK), fx.align() + 1),
                    IllegalArgumentException.class,
                    "position: " + (fx.align() + 1) + " (expected: multiple of " + fx.align() + " for DIRECT)")),
            row("misaligned DIRECT length", fx -> fails(fx.direct.write(fx.alignedWithReadable(BLOCK, 1000), 0),
                    IllegalArgumentException.class,
                    "length: 1000 (expected: multiple of " + fx.align() + " for DIRECT)")),
            row("misaligned DIRECT memory address", fx -> {
                ByteBuf shifted = fx.aligned(2 * BLOCK).slice(1, BLOCK).clear();
                return fails(fx.direct.read(shifted, 0), IllegalArgumentException.class,
                        "dst memory address: 0x" + Long.toHexString(shifted.memoryAddress())
                        + " (expected: multiple of " + fx.direct.memoryAlignment()
                        + " for DIRECT; allocate with AioBuffers)");
            }),
            row("misaligned DIRECT segment length", fx -> fails(fx.direct.write(new ByteBuf[]{
                fx.alignedWithReadable(BLOCK, BLOCK), fx.alignedWithReadable(BLOCK, 100)}, 0),
                    IllegalArgumentException.class,
                    "srcs segment 1 length: 100 (expected: multiple of " + fx.align() + " for DIRECT)")),
            row("misaligned DIRECT segment address", fx -> {
                ByteBuf shifted = fx.aligned(2 * BLOCK).slice(1, BLOCK).clear();
                return fails(fx.direct.read(new ByteBuf[]{shifted}, 0), IllegalArgumentException.class,
                        "dsts segment 0 memory address: 0x" + Long.toHexString(shifted.memoryAddress())
                        + " (expected: multiple of " + fx.direct.memoryAlignment() + " for DIRECT)");
            }),
            row("misaligned DIRECT position with a heap buffer", fx -> fails(fx.direct.read(
                fx.track(Unpooled.buffer(BLOCK)), 100), IllegalArgumentException.class,
                    "position: 100 (expected: multiple of " + fx.align() + " for DIRECT)")),

            // ---- files and modes
            row("directory path", fx -> throwsNow(() -> AioFileChannel.open(fx.dir, loop, READ),
                    FileSystemException.class, fx.dir + ": is a directory (expected: a regular file or a block device)")),
            row("missing file without CREATE", fx -> {
                Path missing = fx.dir.resolve("missing.dat");
                return throwsNow(() -> AioFileChannel.open(missing, loop, READ, WRITE), NativeIoException.class,
                        "open(..) failed with error(-2): No such file or directory [ENOENT]; path " + missing);
            }),
            row("CREATE_NEW on an existing file", fx -> throwsNow(
                () -> AioFileChannel.open(fx.file, loop, WRITE, CREATE_NEW), NativeIoException.class,
                    "open(..) failed with error(-17): File exists [EEXIST]; path " + fx.file)),
            row("CREATE without WRITE", fx -> throwsNow(() -> AioFileChannel.open(fx.file, loop, READ, CREATE),
                    IllegalArgumentException.class,
                    "options: [READ, CREATE] (expected: WRITE with CREATE, CREATE_NEW or TRUNCATE_EXISTING)")),
            row("unsupported option", fx -> throwsNow(
                () -> AioFileChannel.open(fx.file, loop, READ, StandardOpenOption.APPEND),
                    IllegalArgumentException.class, "options[1]: APPEND (expected: READ, WRITE, CREATE, "
                    + "CREATE_NEW, TRUNCATE_EXISTING, DSYNC, SYNC, DIRECT, NOATIME, RANDOM_ACCESS, SEQUENTIAL_ACCESS"
                    + " or an AioIoPriority)")),
            row("both access hints", fx -> throwsNow(() -> AioFileChannel.open(fx.file, loop, READ,
                    AioOpenOption.RANDOM_ACCESS, AioOpenOption.SEQUENTIAL_ACCESS), IllegalArgumentException.class,
                    "options: [READ, RANDOM_ACCESS, SEQUENTIAL_ACCESS] (expected: at most one of RANDOM_ACCESS and"
                    + " SEQUENTIAL_ACCESS)")),
            row("read on a write-only channel", fx -> fails(fx.writeOnly.read(fx.direct16(), 0),
                    NonReadableChannelException.class,
                    "read on " + fx.file + ", opened without READ (expected: a channel opened with READ)")),
            row("scatter read on a write-only channel",
                fx -> fails(fx.writeOnly.read(new ByteBuf[]{fx.direct16()}, 0), NonReadableChannelException.class,
                    "read on " + fx.file + ", opened without READ (expected: a channel opened with READ)")),
            row("write on a read-only channel", fx -> fails(fx.readOnly.write(fx.src16(), 0),
                    NonWritableChannelException.class,
                    "write on " + fx.file + ", opened without WRITE (expected: a channel opened with WRITE)")),
            row("truncate on a read-only channel", fx -> fails(fx.readOnly.truncate(0),
                    NonWritableChannelException.class,
                    "write on " + fx.file + ", opened without WRITE (expected: a channel opened with WRITE)")),
            row("allocate on a read-only channel", fx -> fails(fx.readOnly.allocate(0, 1),
                    NonWritableChannelException.class,
                    "write on " + fx.file + ", opened without WRITE (expected: a channel opened with WRITE)")),
            row("fsync on a read-only channel is fine", fx -> succeeds(fx.readOnly.fsync(), null)),

            // ---- closed channel
            row("read on a closed channel", fx -> fails(fx.closed.read(fx.direct16(), 0),
                    ClosedChannelException.class, null)),
            row("write on a closed channel", fx -> fails(fx.closed.write(fx.src16(), 0),
                    ClosedChannelException.class, null)),
            row("gather write on a closed channel", fx -> fails(fx.closed.write(new ByteBuf[]{fx.src16()}, 0),
                    ClosedChannelException.class, null)),
            row("fsync on a closed channel", fx -> fails(fx.closed.fsync(), ClosedChannelException.class, null)),
            row("truncate on a closed channel", fx -> fails(fx.closed.truncate(0),
                    ClosedChannelException.class, null)),
            row("size of a closed channel", fx -> throwsNow(fx.closed::size, ClosedChannelException.class, null)),

            // ---- promises
            row("promise cancelled before a valid read", fx -> {
                Promise<Integer> p = loop.newPromise();
                p.cancel(false);
                Future<Integer> f = fx.rw.read(fx.direct16(), 0, p);
                assertSame(p, f);
                return fails(f, CancellationException.class, null);
            }),
            row("promise cancelled before a zero-length read", fx -> {
                Promise<Integer> p = loop.newPromise();
                p.cancel(false);
                ByteBuf full = fx.track(Unpooled.directBuffer(4).writeInt(7));
                return fails(fx.rw.read(full, 0, p), CancellationException.class, null);
            }),
            row("promise cancelled before a read at a negative position", fx -> {
                Promise<Integer> p = loop.newPromise();
                p.cancel(false);
                return fails(fx.rw.read(fx.direct16(), -1, p), CancellationException.class,
                        null);
            }),

            // ---- loops and aligned buffers
            row("negative loop count", fx -> throwsNow(() -> new AioEventLoopGroup(-1),
                    IllegalArgumentException.class, "nThreads: -1 (expected: >= 0)")),
            row("queue depth 0", fx -> throwsNow(() -> new AioEventLoopGroup(1, 0),
                    IllegalArgumentException.class, "queueDepth: 0 (expected: 1..65536)")),
            row("queue depth 65537", fx -> throwsNow(() -> new AioEventLoopGroup(1, 65537),
                    IllegalArgumentException.class, "queueDepth: 65537 (expected: 1..65536)")),
            row("aligned buffer of negative capacity", fx -> throwsNow(() -> AioBuffers.directBuffer(-1, 512),
                    IllegalArgumentException.class, "capacity: -1 (expected: >= 0)")),
            row("aligned buffer with an alignment that is not a power of two",
                fx -> throwsNow(() -> AioBuffers.directBuffer(16, 3), IllegalArgumentException.class,
                    "alignment: 3 (expected: a power of two from 1 to 4096)"))
        );
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void shouldAnswerEveryBadInputWithItsExactErrorAndTouchNothing(String name, Case c) throws Exception {
        Outcome o = c.run(fx); // a future-returning method that throws fails the row right here
        if (o.future != null) {
            assertTrue(o.future.await(30, TimeUnit.SECONDS), "future did not complete");
            if (o.expectSuccess) {
                assertTrue(o.future.isSuccess(), () -> "expected success, got " + o.future.cause());
                assertEquals(o.value, o.future.getNow());
            } else {
                assertFalse(o.future.isSuccess(), () -> "expected failure, got " + o.future.getNow());
                assertException(o.type, o.message, o.future.cause());
            }
        } else {
            if (o.thrown == null) {
                fail("expected " + o.type.getSimpleName() + ": " + o.message);
            }
            assertException(o.type, o.message, o.thrown);
        }
        o.afterwards.run();
        // Requests hop to the loop as tasks: once a task queued after them ran, every reference is given back
        loop.submit(() -> null).get(30, TimeUnit.SECONDS);
        fx.assertBuffersUntouched();
    }

    private static void assertException(Class<? extends Throwable> type, String message, Throwable actual) {
        if (!type.isInstance(actual)) {
            throw new AssertionError("expected " + type.getName() + " but got " + actual, actual);
        }
        if (message == null) {
            assertNull(actual.getMessage(), "message");
        } else {
            assertEquals(message, actual.getMessage());
        }
    }
}
