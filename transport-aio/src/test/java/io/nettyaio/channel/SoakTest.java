package io.nettyaio.channel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.Future;
import io.nettyaio.linux.NativeResources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import static io.nettyaio.channel.ReliabilitySupport.BLOCK;
import static io.nettyaio.channel.ReliabilitySupport.await;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A bounded soak: several threads mix reads, writes (single, composite, gather), readFully, scatter reads, fsync,
 * fdatasync, cancels and whole open/write/read/close cycles on two channels (buffered and DIRECT) of one file and on
 * private files, for {@code -Dsoak.seconds} (default 10; run 60 by hand). Each thread owns a region of the shared
 * file and keeps an exact model of it; every read, and the whole file at the end, must match the model. Failures
 * (expected 0) and leak reports (expected 0) are printed with the op counts.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class SoakTest {
    private static final int THREADS = 4;
    private static final int REGION_BLOCKS = 64;
    private static final int WINDOW = 16;

    private enum Kind { WRITE, READ, CANCELLED_WRITE, CANCELLED_READ, SYNC }

    /** One request of a worker still to be checked. */
    private static final class Op {
        final Kind kind;
        final int block;
        final byte[] data;
        final ByteBuf[] bufs;
        final Future<?> future;
        final boolean cancelAttempt;

        /** The model of the file the op ran on, and the op's key in the busy set. */
        byte[] model;
        int busyKey = -1;

        Op(Kind kind, int block, byte[] data, ByteBuf[] bufs, Future<?> future, boolean cancelAttempt) {
            this.kind = kind;
            this.block = block;
            this.data = data;
            this.bufs = bufs;
            this.future = future;
            this.cancelAttempt = cancelAttempt;
        }
    }

    private final LongAdder ops = new LongAdder();
    private final LongAdder reads = new LongAdder();
    private final LongAdder writes = new LongAdder();
    private final LongAdder syncs = new LongAdder();
    private final LongAdder cancelled = new LongAdder();
    private final LongAdder openCloses = new LongAdder();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicReference<Throwable> firstFailure = new AtomicReference<>();

    @Test
    void shouldMatchTheModelAfterMixedConcurrentOperationsForTheWholeSoak() throws Exception {
        ReliabilitySupport.assumeLinuxAio();
        int seconds = Integer.getInteger("soak.seconds", 10);
        // Two files, one per channel kind: O_DIRECT and buffered I/O on the same pages at once is undefined in Linux
        // ("Page cache invalidation failure on direct I/O", and fsync then reports EIO), and readahead makes any
        // buffered read touch pages far beyond its block
        Path shared = ReliabilitySupport.file("soak.dat");
        Path sharedBuffered = ReliabilitySupport.file("soak-buffered.dat");
        long filesBefore = NativeResources.openFiles();
        long contextsBefore = NativeResources.openContexts();
        long eventFdsBefore = NativeResources.openEventFds();
        AioEventLoopGroup group = new AioEventLoopGroup(2, 64);
        byte[][] models = new byte[THREADS][REGION_BLOCKS * BLOCK];
        byte[][] bufferedModels = new byte[THREADS][REGION_BLOCKS * BLOCK];
        try (ReliabilitySupport.Channels chs = new ReliabilitySupport.Channels(group.next());
             ReliabilitySupport.Channels directChs = new ReliabilitySupport.Channels(group.next())) {
            AioFileChannel buffered = chs.open(sharedBuffered, READ, WRITE, CREATE);
            AioFileChannel direct = directChs.open(shared, READ, WRITE, CREATE, AioOpenOption.DIRECT);
            await(buffered.truncate((long) THREADS * REGION_BLOCKS * BLOCK));
            await(direct.truncate((long) THREADS * REGION_BLOCKS * BLOCK));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            CountDownLatch done = new CountDownLatch(THREADS);
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                Thread worker = new Thread(() -> {
                    try {
                        work(thread, models[thread], bufferedModels[thread], buffered, direct, group, deadline);
                    } catch (Throwable e) {
                        fail(e);
                    } finally {
                        done.countDown();
                    }
                }, "soak-" + t);
                worker.start();
            }
            assertTrue(done.await(seconds + 120L, TimeUnit.SECONDS), "soak workers did not finish");

            // Each whole file, read back, is exactly its models side by side
            for (int t = 0; t < THREADS; t++) {
                ByteBuf region = AioBuffers.directBuffer(direct, REGION_BLOCKS * BLOCK);
                assertEquals(REGION_BLOCKS * BLOCK, await(direct.readFully(region, (long) t * REGION_BLOCKS * BLOCK)));
                assertArrayEquals(models[t], ByteBufUtil.getBytes(region), "direct region of thread " + t);
                region.clear();
                assertEquals(REGION_BLOCKS * BLOCK, await(buffered.readFully(region,
                        (long) t * REGION_BLOCKS * BLOCK)));
                assertArrayEquals(bufferedModels[t], ByteBufUtil.getBytes(region), "buffered region of thread " + t);
                region.release();
            }
        } finally {
            assertTrue(group.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(30, TimeUnit.SECONDS));
        }
        long leaks = 0;
        try {
            LeakRecorder.assertNoLeaks();
        } catch (AssertionError e) {
            leaks = 1;
            System.out.println(e.getMessage());
        }
        System.out.printf("soak %d s, %d threads: %d ops (%d reads, %d writes, %d syncs, %d cancelled, %d "
                + "open/write/read/close cycles), %d failures, %d leak reports, %s%n", seconds, THREADS, ops.sum(),
                reads.sum(), writes.sum(), syncs.sum(), cancelled.sum(), openCloses.sum(), failures.get(), leaks,
                NativeResources.summary());
        if (firstFailure.get() != null) {
            throw new AssertionError(failures.get() + " failures; the first:", firstFailure.get());
        }
        assertEquals(0, leaks, "leak reports");
        assertEquals(filesBefore, NativeResources.openFiles(), "open files");
        assertEquals(contextsBefore, NativeResources.openContexts(), "contexts");
        assertEquals(eventFdsBefore, NativeResources.openEventFds(), "eventfds");
        assertTrue(ops.sum() > 100L * seconds, "ops: " + ops.sum()); // low bar: a disk shared with others is slow
    }

    private void fail(Throwable e) {
        failures.incrementAndGet();
        firstFailure.compareAndSet(null, e);
    }

    private void work(int thread, byte[] directModel, byte[] bufferedModel, AioFileChannel buffered,
                      AioFileChannel direct, AioEventLoopGroup group, long deadline) throws Exception {
        Random rnd = new Random(1000 + thread);
        long base = (long) thread * REGION_BLOCKS * BLOCK;
        ArrayDeque<Op> pending = new ArrayDeque<>();
        Set<Integer> busy = new HashSet<>();
        Path own = ReliabilitySupport.file("soak-own-" + thread + ".dat");
        while (System.nanoTime() - deadline < 0 && firstFailure.get() == null) {
            int dice = rnd.nextInt(100);
            if (dice < 2) {
                drain(pending, busy);
                openWriteReadClose(own, group, rnd);
                continue;
            }
            if (dice < 5) {
                Future<Void> sync = rnd.nextBoolean() ? buffered.fsync() : direct.fdatasync();
                pending.add(new Op(Kind.SYNC, -1, null, new ByteBuf[0], sync, false));
                continue;
            }
            int block = rnd.nextInt(REGION_BLOCKS);
            AioFileChannel ch = rnd.nextBoolean() ? direct : buffered;
            byte[] model = ch == direct ? directModel : bufferedModel;
            int key = ch == direct ? block : REGION_BLOCKS + block; // blocks in flight, per file
            while (busy.contains(key) || pending.size() >= WINDOW) {
                retire(pending.poll(), busy);
            }
            long position = base + (long) block * BLOCK;
            boolean cancel = dice < 15;
            if (dice < 55) {
                byte[] data = new byte[BLOCK];
                rnd.nextBytes(data);
                ByteBuf[] bufs;
                Future<?> f;
                int shape = rnd.nextInt(4);
                if (shape == 0) {
                    bufs = new ByteBuf[]{AioBuffers.directBuffer(direct, BLOCK).writeBytes(data)};
                    f = ch.write(bufs[0], position);
                } else if (shape == 1) {
                    bufs = new ByteBuf[]{Unpooled.wrappedBuffer(data.clone())}; // heap: bounced
                    f = ch.write(bufs[0], position);
                } else if (shape == 2) {
                    CompositeByteBuf c = Unpooled.compositeBuffer();
                    c.addComponents(true, AioBuffers.directBuffer(direct, BLOCK / 2).writeBytes(data, 0, BLOCK / 2),
                            AioBuffers.directBuffer(direct, BLOCK / 2).writeBytes(data, BLOCK / 2, BLOCK / 2));
                    bufs = new ByteBuf[]{c};
                    f = ch.write(c, position);
                } else {
                    bufs = new ByteBuf[]{AioBuffers.directBuffer(direct, BLOCK / 2).writeBytes(data, 0, BLOCK / 2),
                        AioBuffers.directBuffer(direct, BLOCK / 2).writeBytes(data, BLOCK / 2, BLOCK / 2)};
                    f = ch.write(bufs, position);
                }
                if (cancel) {
                    f.cancel(false);
                }
                busy.add(key);
                Op op = new Op(cancel ? Kind.CANCELLED_WRITE : Kind.WRITE, block, data, bufs, f, cancel);
                op.model = model;
                op.busyKey = key;
                pending.add(op);
            } else {
                ByteBuf[] bufs;
                Future<?> f;
                int shape = rnd.nextInt(3);
                if (shape == 0) {
                    bufs = new ByteBuf[]{AioBuffers.directBuffer(direct, BLOCK)};
                    f = rnd.nextBoolean() ? ch.read(bufs[0], position) : ch.readFully(bufs[0], position);
                } else if (shape == 1) {
                    bufs = new ByteBuf[]{Unpooled.buffer(BLOCK)}; // heap: bounced
                    f = ch.readFully(bufs[0], position);
                } else {
                    bufs = new ByteBuf[]{AioBuffers.directBuffer(direct, BLOCK / 2),
                        AioBuffers.directBuffer(direct, BLOCK / 2)};
                    f = ch.read(bufs, position);
                }
                if (cancel) {
                    f.cancel(false);
                }
                busy.add(key);
                Op op = new Op(cancel ? Kind.CANCELLED_READ : Kind.READ, block, null, bufs, f, cancel);
                op.model = model;
                op.busyKey = key;
                pending.add(op);
            }
        }
        drain(pending, busy);
    }

    private void drain(ArrayDeque<Op> pending, Set<Integer> busy) throws InterruptedException {
        while (!pending.isEmpty()) {
            retire(pending.poll(), busy);
        }
    }

    /** Waits for an op and checks it against the model; a write that succeeded updates the model. */
    private void retire(Op op, Set<Integer> busy) throws InterruptedException {
        ops.increment();
        byte[] model = op.model;
        if (!op.future.await(60, TimeUnit.SECONDS)) {
            fail(new AssertionError(op.kind + " of block " + op.block + " did not complete in 60 s"));
            return;
        }
        busy.remove(op.busyKey);
        try {
            if (op.future.isCancelled()) {
                if (!op.cancelAttempt) {
                    fail(new AssertionError(op.kind + " cancelled without a cancel"));
                }
                cancelled.increment();
                return;
            }
            if (!op.future.isSuccess()) {
                fail(new AssertionError(op.kind + " of block " + op.block + " failed", op.future.cause()));
                return;
            }
            Object n = op.future.getNow();
            switch (op.kind) {
                case SYNC:
                    syncs.increment();
                    break;
                case WRITE:
                case CANCELLED_WRITE:
                    writes.increment();
                    if (((Number) n).longValue() != BLOCK) {
                        fail(new AssertionError("write returned " + n));
                    }
                    for (ByteBuf b : op.bufs) {
                        if (b.isReadable()) {
                            fail(new AssertionError("a successful write left readable bytes"));
                        }
                    }
                    System.arraycopy(op.data, 0, model, op.block * BLOCK, BLOCK);
                    break;
                default:
                    reads.increment();
                    if (((Number) n).longValue() != BLOCK) {
                        fail(new AssertionError("read returned " + n));
                    }
                    byte[] got = new byte[0];
                    for (ByteBuf b : op.bufs) {
                        byte[] part = ByteBufUtil.getBytes(b);
                        byte[] joined = Arrays.copyOf(got, got.length + part.length);
                        System.arraycopy(part, 0, joined, got.length, part.length);
                        got = joined;
                    }
                    if (!Arrays.equals(Arrays.copyOfRange(model, op.block * BLOCK, (op.block + 1) * BLOCK), got)) {
                        fail(new AssertionError("block " + op.block + " differs from the model"));
                    }
            }
        } finally {
            for (ByteBuf b : op.bufs) {
                // A cancelled future completes at once; the channel gives its reference back when the loop drops
                // the request, a moment later. Any other completion comes after the channel's release.
                if (!op.future.isCancelled() && b.refCnt() != 1) {
                    fail(new AssertionError(op.kind + ": refCnt " + b.refCnt() + " after completion"));
                }
                b.release();
            }
        }
    }

    private void openWriteReadClose(Path own, AioEventLoopGroup group, Random rnd) throws Exception {
        byte[] data = new byte[BLOCK];
        rnd.nextBytes(data);
        List<AioFileChannel> chs = new ArrayList<>();
        AioFileChannel ch = AioFileChannel.open(own, group.next(), READ, WRITE, CREATE);
        chs.add(ch);
        try {
            ByteBuf src = Unpooled.directBuffer(BLOCK).writeBytes(data);
            Future<Integer> w = ch.write(src, 0);
            src.release();
            if (await(w).intValue() != BLOCK) {
                fail(new AssertionError("private write returned " + w.getNow()));
            }
            ByteBuf dst = Unpooled.directBuffer(BLOCK);
            await(ch.readFully(dst, 0));
            if (!Arrays.equals(data, ByteBufUtil.getBytes(dst))) {
                fail(new AssertionError("private file differs"));
            }
            dst.release();
        } finally {
            for (AioFileChannel c : chs) {
                await(c.closeAsync());
            }
        }
        openCloses.increment();
        ops.increment();
        if (!Files.exists(own)) {
            fail(new AssertionError("private file vanished"));
        }
    }
}
