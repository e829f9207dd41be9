package io.nettyaio.handler;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.nettyaio.channel.Aio;
import io.nettyaio.channel.AioEventLoopGroup;
import io.nettyaio.channel.AioFileChannel;
import io.nettyaio.channel.AioOpenOption;
import io.nettyaio.channel.LeakRecorder;
import io.nettyaio.channel.fault.FaultFs;
import io.nettyaio.linux.NativeIoException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static java.nio.file.StandardOpenOption.READ;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link AioChunkedFile} under a {@link ChunkedWriteHandler} in an {@link EmbeddedChannel}. The embedded loop is not
 * thread-safe and claims every thread as its own, so each test drives the channel from one thread only: the file's
 * completion loop, where a {@link Pump} runs the channel's pending tasks (the read completions handed over by the
 * input) and drains what it wrote. Nothing but a completed read resumes the writer, so a stream that finishes proves
 * that every suspension was resumed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AioChunkedFileTest {
    private static final Path DIR = Paths.get("target", "chunked-file-test").toAbsolutePath();
    private static AioEventLoopGroup group;
    private final UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(true);

    @BeforeAll
    static void startLoop() throws Exception {
        Files.createDirectories(DIR);
        group = new AioEventLoopGroup(1);
    }

    @AfterAll
    static void stopLoop() throws Exception {
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
    }

    @AfterEach
    void shouldHaveReleasedEveryChunk() {
        assertEquals(0, alloc.metric().usedDirectMemory(), "chunk memory still held");
        LeakRecorder.assertNoLeaks();
    }

    @ParameterizedTest(name = "size {0}")
    @ValueSource(ints = {0, 1, 4095, 4096, 4097, 3 * 4096, 1 << 20, (1 << 20) + 12345})
    void shouldStreamTheWholeFileByteForByte(int size) throws Exception {
        byte[] data = file("whole-" + size, size);
        try (Pump pump = new Pump()) {
            AioFileChannel file = AioFileChannel.open(DIR.resolve("whole-" + size), group.next(), READ);
            AioChunkedFile input = pump.call(() -> AioChunkedFile.builder(pump.ch, file).chunkSize(4096)
                    .readahead(3).allocator(alloc).build());
            assertEquals(size, input.length());
            ChannelFuture written = pump.write(input);
            pump.awaitDone(written);
            assertTrue(written.isSuccess(), () -> "write failed: " + written.cause());
            assertArrayEquals(data, pump.bytes());
            assertEquals(size, input.progress());
            assertTrue(input.isEndOfInput());
            assertTrue(pump.awaitClosed(input), "file not closed");
            assertFalse(file.isOpen());
        }
    }

    @ParameterizedTest(name = "{0}+{1} chunk {2} direct={3}")
    @CsvSource({
        "0, 100000, 8192, false",
        "1, 99998, 8192, false",
        "4095, 1, 4096, false",
        "12345, 54321, 4096, false",
        "99999, 1, 7, false",
        "100000, 0, 4096, false",
        "0, 100000, 8192, true",
        "1, 99998, 8192, true",
        "4095, 2, 4096, true",
        "12345, 54321, 4096, true",
        "8192, 8192, 4096, true",
        "99999, 1, 65536, true",
    })
    void shouldStreamExactlyTheRangeAskedFor(long offset, long length, int chunkSize, boolean direct)
            throws Exception {
        byte[] data = file("range", 100_000);
        try (Pump pump = new Pump()) {
            AioFileChannel file = direct
                    ? AioFileChannel.open(DIR.resolve("range"), group.next(), READ, AioOpenOption.DIRECT)
                    : AioFileChannel.open(DIR.resolve("range"), group.next(), READ);
            AioChunkedFile input = pump.call(() -> new AioChunkedFile(pump.ch, file, offset, length, chunkSize));
            ChannelFuture written = pump.write(input);
            pump.awaitDone(written);
            assertTrue(written.isSuccess(), () -> "write failed: " + written.cause());
            assertArrayEquals(Arrays.copyOfRange(data, (int) offset, (int) (offset + length)), pump.bytes());
            assertTrue(pump.awaitClosed(input));
        }
    }

    @Test
    void shouldKeepNoMoreThanTheReadaheadInFlightAndHandOutInOrder() throws Exception {
        byte[] data = file("readahead", 40 * 1000);
        try (Pump pump = new Pump()) {
            AioFileChannel file = AioFileChannel.open(DIR.resolve("readahead"), group.next(), READ);
            AioChunkedFile input = pump.call(() -> AioChunkedFile.builder(pump.ch, file).chunkSize(1000)
                    .readahead(3).allocator(alloc).build());
            assertEquals(3, input.readahead());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int maxAhead = 0;
            int nulls = 0;
            while (!pump.call(input::isEndOfInput)) {
                ByteBuf chunk = pump.call(() -> {
                    pump.ch.runPendingTasks();
                    return input.readChunk(alloc);
                });
                maxAhead = Math.max(maxAhead, pump.call(input::chunksAhead));
                if (chunk == null) {
                    nulls++;
                    pump.call(() -> null); // one loop turn for completions
                    continue;
                }
                assertTrue(chunk.readableBytes() <= 1000);
                chunk.readBytes(out, chunk.readableBytes());
                chunk.release();
            }
            assertArrayEquals(data, out.toByteArray());
            assertTrue(maxAhead <= 3 && maxAhead > 0, "max chunks ahead " + maxAhead);
            assertTrue(nulls < 100_000, "spun " + nulls);
            assertNull(pump.call(() -> input.readChunk(alloc)), "after the end of input");
            pump.call(() -> {
                input.close();
                return null;
            });
            assertTrue(pump.awaitClosed(input));
        }
    }

    @Test
    void shouldWrapInHttpChunkedInputAndEndWithTheLastContent() throws Exception {
        byte[] data = file("http", 10_000);
        try (Pump pump = new Pump()) {
            AioFileChannel file = AioFileChannel.open(DIR.resolve("http"), group.next(), READ);
            HttpChunkedInput input = pump.call(() -> new HttpChunkedInput(AioChunkedFile.builder(pump.ch, file)
                    .chunkSize(3000).allocator(alloc).build()));
            ChannelFuture written = pump.write(input);
            pump.awaitDone(written);
            assertTrue(written.isSuccess(), () -> "write failed: " + written.cause());
            assertArrayEquals(data, pump.bytes());
            assertEquals(List.of("HttpContent", "HttpContent", "HttpContent", "HttpContent", "LastHttpContent"),
                    pump.kinds());
        }
    }

    @Test
    void shouldFailTheWriteWithEofWhenTheFileIsShorterThanTheRange() throws Exception {
        file("short", 5000);
        try (Pump pump = new Pump()) {
            AioFileChannel file = AioFileChannel.open(DIR.resolve("short"), group.next(), READ);
            AioChunkedFile input = pump.call(() -> AioChunkedFile.builder(pump.ch, file).range(0, 9000)
                    .chunkSize(4096).allocator(alloc).build());
            ChannelFuture written = pump.write(input);
            pump.awaitDone(written);
            EOFException e = assertInstanceOf(EOFException.class, written.cause());
            assertTrue(e.getMessage().endsWith(": end of file inside the range 0+9000 being sent (a read at byte "
                    + "5000 found no data)") || e.getMessage().endsWith("(a read at byte 8192 found no data)"),
                    e.getMessage());
            assertTrue(pump.awaitClosed(input));
            assertFalse(file.isOpen());
            assertFalse(pump.call(input::isEndOfInput));
        }
    }

    @ParameterizedTest(name = "after {0} bytes")
    @ValueSource(ints = {0, 64 * 1024})
    void shouldCloseTheFileAndReleaseEverythingWhenTheChannelClosesMidFile(int closeAfter) throws Exception {
        file("midfile", 1 << 20);
        try (Pump pump = new Pump()) {
            // DIRECT: real kernel AIO, so reads are still in flight when the channel closes. (A buffered file in
            // the page cache is read at once, and the embedded loop would stream all of it inside close().)
            AioFileChannel file = AioFileChannel.open(DIR.resolve("midfile"), group.next(), READ,
                    AioOpenOption.DIRECT);
            AioChunkedFile input = pump.call(() -> AioChunkedFile.builder(pump.ch, file).chunkSize(4096)
                    .readahead(4).build());
            ChannelFuture written = pump.write(input);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (pump.call(pump.out::size) < closeAfter && System.nanoTime() < deadline) {
                pump.call(() -> null);
            }
            pump.call(() -> pump.ch.close()); // the client is gone: reads are in flight, chunks ready
            pump.awaitDone(written);
            int sent = pump.bytes().length;
            assertTrue(sent >= closeAfter && sent < 1 << 20, "sent " + sent);
            assertInstanceOf(ClosedChannelException.class, written.cause());
            assertTrue(pump.awaitClosed(input), "file not closed");
            assertFalse(file.isOpen());
            assertThrows(ClosedChannelException.class, () -> pump.call(() -> input.readChunk(alloc)));
        }
    }

    @Test
    void shouldCloseFromAnotherThreadWithoutBlocking() throws Exception {
        file("close", 100_000);
        try (Pump pump = new Pump()) {
            AioFileChannel file = AioFileChannel.open(DIR.resolve("close"), group.next(), READ);
            AioChunkedFile input = pump.call(() -> AioChunkedFile.builder(pump.ch, file).chunkSize(4096)
                    .readahead(8).allocator(alloc).build());
            ByteBuf first = pump.call(() -> input.readChunk(alloc)); // starts 8 reads
            if (first != null) {
                first.release();
            }
            // Not on the embedded channel's driving thread: close() hands itself to the channel's loop, which the
            // pump runs.
            pump.call(() -> {
                input.close();
                input.close();
                return null;
            });
            assertTrue(pump.awaitClosed(input), "file not closed");
            assertFalse(file.isOpen());
        }
    }

    @Test
    void shouldRejectBadArgumentsNamingThem() throws Exception {
        file("args", 10);
        try (Pump pump = new Pump(); AioFileChannel file = AioFileChannel.open(DIR.resolve("args"), group.next(),
                READ)) {
            assertEquals("channel", assertThrows(NullPointerException.class,
                    () -> new AioChunkedFile(null, file, 0, 1, 1)).getMessage());
            assertEquals("file", assertThrows(NullPointerException.class,
                    () -> new AioChunkedFile(pump.ch, null, 0, 1, 1)).getMessage());
            assertEquals("offset : -1 (expected: >= 0)", assertThrows(IllegalArgumentException.class,
                    () -> new AioChunkedFile(pump.ch, file, -1, 1, 1)).getMessage());
            assertEquals("length : -2 (expected: >= 0)", assertThrows(IllegalArgumentException.class,
                    () -> new AioChunkedFile(pump.ch, file, 0, -2, 1)).getMessage());
            assertEquals("chunkSize : 0 (expected: > 0)", assertThrows(IllegalArgumentException.class,
                    () -> new AioChunkedFile(pump.ch, file, 0, 1, 0)).getMessage());
            assertEquals("length: 9223372036854775807 (expected: offset + length <= 9223372036854775807, offset 1)",
                    assertThrows(IllegalArgumentException.class,
                            () -> new AioChunkedFile(pump.ch, file, 1, Long.MAX_VALUE, 1)).getMessage());
            assertEquals("readahead: 0 (expected: 1-1024)", assertThrows(IllegalArgumentException.class,
                    () -> AioChunkedFile.builder(pump.ch, file).readahead(0)).getMessage());
        }
    }

    @Test
    void shouldFailTheWriteWithTheNativeErrorOfAFailedRead() throws Exception {
        String reason = FaultFs.unavailableReason();
        Assumptions.assumeTrue(reason == null, reason);
        byte[] data = new byte[256 * 1024];
        new Random(7).nextBytes(data);
        try (FaultFs fs = new FaultFs(data.length); Pump pump = new Pump()) {
            try (FileChannel ch = FileChannel.open(fs.dataFile(), StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(data), 0);
            }
            fs.inject(FaultFs.Op.READ, 128 * 1024, 4096, FaultFs.EIO, 0);
            AioFileChannel file = AioFileChannel.open(fs.dataFile(), group.next(), READ);
            AioChunkedFile input = pump.call(() -> AioChunkedFile.builder(pump.ch, file).chunkSize(16 * 1024)
                    .readahead(4).allocator(alloc).build());
            ChannelFuture written = pump.write(input);
            pump.awaitDone(written);
            if (Aio.isAvailable()) {
                NativeIoException e = assertInstanceOf(NativeIoException.class, written.cause());
                assertEquals("EIO", e.errnoName());
            } else {
                assertInstanceOf(IOException.class, written.cause()); // the fallback engine: the JDK's exception
            }
            byte[] sent = pump.bytes();
            assertTrue(sent.length <= 128 * 1024, "sent " + sent.length + " bytes, past the failing block");
            assertArrayEquals(Arrays.copyOf(data, sent.length), sent);
            assertTrue(pump.awaitClosed(input), "file not closed");
            assertFalse(file.isOpen());
        }
    }

    private static byte[] file(String name, int size) throws Exception {
        byte[] data = new byte[size];
        new Random(name.hashCode() + size).nextBytes(data);
        Files.write(DIR.resolve(name), data);
        return data;
    }

    /**
     * An {@link EmbeddedChannel} with a {@link ChunkedWriteHandler}, created and driven on the completion loop of
     * the test's files: a task every 100 µs runs the channel's pending tasks and drains its outbound messages.
     */
    private final class Pump implements AutoCloseable {
        final EmbeddedChannel ch;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final List<String> kinds = new ArrayList<>();
        private final ScheduledFuture<?> task;

        Pump() throws Exception {
            ch = group.next().submit(() -> new EmbeddedChannel(new ChunkedWriteHandler())).get(10, TimeUnit.SECONDS);
            task = group.next().scheduleAtFixedRate(this::pump, 0, 100, TimeUnit.MICROSECONDS);
        }

        <T> T call(Callable<T> c) throws Exception {
            try {
                return group.next().submit(c).get(10, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof Exception) {
                    throw (Exception) e.getCause();
                }
                throw e;
            }
        }

        ChannelFuture write(Object msg) throws Exception {
            return call(() -> ch.writeAndFlush(msg));
        }

        void awaitDone(ChannelFuture f) throws Exception {
            CountDownLatch done = new CountDownLatch(1);
            f.addListener(x -> done.countDown());
            assertTrue(done.await(30, TimeUnit.SECONDS), "write did not complete");
            call(() -> {
                pump();
                return null;
            });
        }

        /** Waits for the input's close future (whose executor, the embedded loop, forbids a blocking await). */
        boolean awaitClosed(AioChunkedFile input) throws Exception {
            CountDownLatch closed = new CountDownLatch(1);
            call(() -> input.closeFuture().addListener(f -> closed.countDown()));
            return closed.await(10, TimeUnit.SECONDS);
        }

        byte[] bytes() throws Exception {
            return call(out::toByteArray);
        }

        List<String> kinds() throws Exception {
            return call(() -> new ArrayList<>(kinds));
        }

        private void pump() {
            ch.runPendingTasks();
            Object msg;
            while ((msg = ch.readOutbound()) != null) {
                ByteBuf content;
                if (msg instanceof HttpContent) {
                    kinds.add(msg instanceof LastHttpContent ? "LastHttpContent" : "HttpContent");
                    content = ((HttpContent) msg).content();
                } else {
                    content = (ByteBuf) msg;
                }
                byte[] bytes = new byte[content.readableBytes()];
                content.getBytes(content.readerIndex(), bytes);
                out.write(bytes, 0, bytes.length);
                content.release();
            }
        }

        @Override
        public void close() throws ExecutionException, TimeoutException {
            task.cancel(false);
            try {
                group.next().submit(() -> ch.finishAndReleaseAll()).get(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
