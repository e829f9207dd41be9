package io.nettyaio.examples.jmh;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.FutureListener;
import io.netty.util.concurrent.Promise;
import io.nettyaio.channel.AioBuffers;
import io.nettyaio.channel.AioCompletionHandler;
import io.nettyaio.channel.AioEventLoop;
import io.nettyaio.channel.AioEventLoopGroup;
import io.nettyaio.channel.AioFileChannel;
import io.nettyaio.channel.AioOpenOption;
import io.nettyaio.channel.micrometer.AioMetricsBinder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Round trips of 4 KiB reads through {@link AioFileChannel}: one request from another thread (submit, hop, kernel,
 * reap, complete, wake the caller), a chain of requests issued from the loop itself, and a batch of 32 issued in one
 * loop turn. Run with {@code java -jar examples/target/netty-aio-examples.jar jmh AioFileChannelBenchmark -prof gc}.
 *
 * <p>{@code direct=true} reads with O_DIRECT (device time included); {@code direct=false} reads a file that is in the
 * page cache, so the figures are the library's and the kernel's own cost. {@code binder=true} runs the same with the
 * Micrometer binder bound (a latency timer per loop).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "--enable-native-access=ALL-UNNAMED"})
public class AioFileChannelBenchmark {
    private static final int BLOCK = 4096;
    private static final int BLOCKS = 4096; // 16 MiB file
    private static final int CHAIN = 100;
    private static final int BATCH = 32;

    @Param({"false", "true"})
    public boolean direct;

    /**
     * Whether an {@link AioMetricsBinder} exports the loop to a Micrometer registry: its latency timer makes the
     * loop take two timestamps per request and record them (the gc profiler shows whether that allocates).
     */
    @Param({"false", "true"})
    public boolean binder;

    private AioEventLoopGroup group;
    private AioEventLoop loop;
    private AioFileChannel channel;
    private ByteBuf[] bufs;
    private Chain chain;
    private Batch batch;
    private HandlerChain handlerChain;
    private AioMetricsBinder metricsBinder;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Path dir = Paths.get("target", "jmh");
        Files.createDirectories(dir);
        Path file = dir.resolve("bench.dat");
        if (!Files.exists(file) || Files.size(file) < (long) BLOCK * BLOCKS) {
            byte[] data = new byte[BLOCK * BLOCKS];
            ThreadLocalRandom.current().nextBytes(data);
            Files.write(file, data);
        }
        group = new AioEventLoopGroup(1, 64);
        loop = group.next();
        if (binder) {
            metricsBinder = new AioMetricsBinder(group);
            metricsBinder.bindTo(new SimpleMeterRegistry());
        }
        channel = direct ? AioFileChannel.open(file, loop, StandardOpenOption.READ, AioOpenOption.DIRECT)
                : AioFileChannel.open(file, loop, StandardOpenOption.READ);
        bufs = new ByteBuf[BATCH];
        for (int i = 0; i < BATCH; i++) {
            bufs[i] = AioBuffers.directBuffer(channel, BLOCK);
        }
        if (!direct) {
            Files.readAllBytes(file); // into the page cache
        }
        chain = new Chain();
        batch = new Batch();
        handlerChain = new HandlerChain();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        if (metricsBinder != null) {
            metricsBinder.close();
        }
        channel.close();
        for (ByteBuf b : bufs) {
            b.release();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    private static long randomPosition() {
        return (long) ThreadLocalRandom.current().nextInt(BLOCKS) * BLOCK;
    }

    /** One read issued from the benchmark thread, which then waits for it. */
    @Benchmark
    public int roundTripCrossThread() throws Exception {
        ByteBuf buf = bufs[0].clear();
        return channel.read(buf, randomPosition()).sync().getNow();
    }

    /** {@value #CHAIN} reads, each issued from the previous one's listener on the completion loop. */
    @Benchmark
    @OperationsPerInvocation(CHAIN)
    public int roundTripInLoop() throws Exception {
        return chain.measure();
    }

    /** As {@link #roundTripInLoop()}, with an {@link AioCompletionHandler} instead of a promise per request. */
    @Benchmark
    @OperationsPerInvocation(CHAIN)
    public int roundTripInLoopHandler() throws Exception {
        return handlerChain.measure();
    }

    /** {@value #BATCH} reads issued in one loop turn (one io_submit), waited for together. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int batchOf32() throws Exception {
        return batch.measure();
    }

    /** Re-issues a read from its own listener until {@link #CHAIN} have completed. */
    private final class Chain implements Runnable, FutureListener<Integer> {
        private Promise<Integer> done;
        private int remaining;
        private int bytes;

        int measure() throws Exception {
            done = loop.newPromise();
            remaining = CHAIN;
            bytes = 0;
            loop.execute(this);
            return done.sync().getNow();
        }

        @Override
        public void run() {
            channel.read(bufs[0].clear(), randomPosition()).addListener(this);
        }

        @Override
        public void operationComplete(Future<Integer> f) {
            if (!f.isSuccess()) {
                done.setFailure(f.cause());
                return;
            }
            bytes += f.getNow();
            if (--remaining == 0) {
                done.setSuccess(bytes);
            } else {
                run();
            }
        }
    }

    /** Re-issues a read from its own completion handler until {@link #CHAIN} have completed. */
    private final class HandlerChain implements Runnable, AioCompletionHandler<ByteBuf> {
        private Promise<Integer> done;
        private int remaining;
        private int bytes;

        int measure() throws Exception {
            done = loop.newPromise();
            remaining = CHAIN;
            bytes = 0;
            loop.execute(this);
            return done.sync().getNow();
        }

        @Override
        public void run() {
            channel.read(bufs[0].clear(), randomPosition(), bufs[0], this);
        }

        @Override
        public void completed(int result, ByteBuf buf) {
            bytes += result;
            if (--remaining == 0) {
                done.setSuccess(bytes);
            } else {
                channel.read(buf.clear(), randomPosition(), buf, this);
            }
        }

        @Override
        public void failed(Throwable cause, ByteBuf buf) {
            done.setFailure(cause);
        }
    }

    /** Issues {@link #BATCH} reads in one loop task and completes when all have. */
    private final class Batch implements Runnable, FutureListener<Integer> {
        private Promise<Integer> done;
        private int remaining;
        private int bytes;

        int measure() throws Exception {
            done = loop.newPromise();
            remaining = BATCH;
            bytes = 0;
            loop.execute(this);
            return done.sync().getNow();
        }

        @Override
        public void run() {
            for (int i = 0; i < BATCH; i++) {
                channel.read(bufs[i].clear(), randomPosition()).addListener(this);
            }
        }

        @Override
        public void operationComplete(Future<Integer> f) {
            if (!f.isSuccess()) {
                done.tryFailure(f.cause());
                return;
            }
            bytes += f.getNow();
            if (--remaining == 0) {
                done.setSuccess(bytes);
            }
        }
    }
}
