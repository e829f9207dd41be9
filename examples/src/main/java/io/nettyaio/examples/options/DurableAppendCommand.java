package io.nettyaio.examples.options;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.nettyaio.channel.AioBuffers;
import io.nettyaio.channel.AioCompletionHandler;
import io.nettyaio.channel.AioEventLoopGroup;
import io.nettyaio.channel.AioFileChannel;
import io.nettyaio.channel.AioMetrics;
import io.nettyaio.channel.AioOpenOption;
import io.nettyaio.channel.AioRequestOptions;
import io.nettyaio.examples.CommandLine;
import io.nettyaio.examples.CommandUsageException;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.WRITE;

/**
 * {@code durable-append DIR}: a journal's durable appends, two ways. {@code fdatasync}: each record is a plain write
 * and, once it completed, an {@code fdatasync()}; acknowledged when the sync completes. {@code dsync}: each record
 * is one write with {@link AioRequestOptions#DSYNC}; acknowledged when it completes. {@code --depth} records are in
 * flight at a time (a closed loop: each acknowledgement issues the next append); latency is from the write's issue
 * to the acknowledgement. O_DIRECT appends ({@code --direct}) go into space reserved beforehand with
 * {@code allocate()}, so no write extends the file; buffered appends extend it. Each run writes a fresh file in
 * {@code DIR} and deletes it; the runs alternate so that the machine's noise hits every configuration alike.
 */
public final class DurableAppendCommand {
    static final String USAGE = "usage: durable-append DIR [--sync dsync,fdatasync] [--depth 1,8] [--bs SIZE] "
            + "[--direct] [--prealloc SIZE] [--runtime S] [--warmup S] [--rounds N]\n"
            + "  Appends records to a fresh file in DIR, durably, and prints records per second and latency.\n"
            + "  --sync LIST      fdatasync: write, then fdatasync; dsync: one RWF_DSYNC write (default both)\n"
            + "  --depth LIST     records in flight, 1 to 256 each (default 1,8)\n"
            + "  --bs SIZE        bytes per record (default 4k; a multiple of the alignment with --direct)\n"
            + "  --direct         O_DIRECT, into space reserved with allocate() first\n"
            + "  --prealloc SIZE  space reserved with --direct (default 512m); a run stops early when it is full\n"
            + "  --runtime S      measured seconds per run (default 3)\n"
            + "  --warmup S       seconds before measuring (default 1)\n"
            + "  --rounds N       times each configuration runs, alternating (default 2)\n"
            + "  The engine is the library's: -Dio.nettyaio.engine=linux-aio|io_uring|blocking.\n";

    private DurableAppendCommand() { }

    /**
     * Runs the command on the process's standard streams.
     *
     * @param args the options after {@code durable-append}
     * @return the exit status: 0 done, 1 a run failed, 2 bad command line
     */
    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Path dir;
        List<String> syncs;
        List<Integer> depths;
        int bs;
        boolean direct;
        long prealloc;
        int runtime;
        int warmup;
        int rounds;
        try {
            CommandLine cl = CommandLine.parse(args, Set.of("--sync", "--depth", "--bs", "--prealloc", "--runtime",
                    "--warmup", "--rounds"), Set.of("--direct"));
            if (cl.helpRequested()) {
                out.print(USAGE);
                return 0;
            }
            dir = Path.of(cl.positionals("DIR").get(0));
            if (!Files.isDirectory(dir)) {
                throw new CommandUsageException("DIR: '" + dir + "' (expected: an existing directory)");
            }
            syncs = new ArrayList<>();
            for (String s : cl.value("--sync", "dsync,fdatasync").split(",")) {
                if (!s.equals("dsync") && !s.equals("fdatasync")) {
                    throw new CommandUsageException("--sync: '" + s + "' (expected: dsync, fdatasync or both)");
                }
                syncs.add(s);
            }
            depths = Options.intList(cl, "--depth", "1,8", 1, 256);
            bs = cl.sizeValue("--bs", 4096, 512, 1 << 20);
            direct = cl.has("--direct");
            prealloc = cl.sizeValue("--prealloc", 512 << 20, 1 << 20, Integer.MAX_VALUE);
            runtime = cl.intValue("--runtime", 3, 1, 600);
            warmup = cl.intValue("--warmup", 1, 0, 600);
            rounds = cl.intValue("--rounds", 2, 1, 100);
        } catch (CommandUsageException e) {
            err.println("durable-append: " + e.getMessage());
            err.println("Run 'durable-append --help' for usage.");
            return 2;
        }

        AioEventLoopGroup group = new AioEventLoopGroup(1, 256);
        Map<String, List<Result>> results = new LinkedHashMap<>();
        try {
            EventExecutor loop = group.next();
            for (int round = 0; round < rounds; round++) {
                for (int depth : depths) {
                    for (String sync : syncs) {
                        Result r = runOnce(dir, loop, sync.equals("dsync"), depth, bs, direct, prealloc, runtime,
                                warmup);
                        out.println("RUN round=" + (round + 1) + " load=" + Options.format(Options.loadAverage()) + " "
                                + r);
                        out.flush();
                        results.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r);
                    }
                }
            }
        } catch (Exception e) {
            err.println("durable-append: " + e);
            return 1;
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        for (List<Result> runs : results.values()) {
            out.println("MEDIAN " + Result.median(runs));
        }
        return 0;
    }

    private static Result runOnce(Path dir, EventExecutor loop, boolean dsync, int depth, int bs, boolean direct,
                                  long prealloc, int runtime, int warmup) throws Exception {
        Path path = dir.resolve("durable-append-" + ProcessHandle.current().pid() + ".dat");
        Files.deleteIfExists(path);
        AioFileChannel ch = direct ? AioFileChannel.open(path, loop, WRITE, CREATE_NEW, AioOpenOption.DIRECT)
                : AioFileChannel.open(path, loop, WRITE, CREATE_NEW);
        ByteBuf[] buffers = new ByteBuf[depth];
        try {
            long limit = Long.MAX_VALUE;
            if (direct) {
                Options.await(ch.allocate(0, prealloc));
                limit = prealloc;
            }
            // The file exists durably before the appends start, as a journal's segment would
            Options.await(ch.fsync());
            byte[] record = new byte[bs];
            for (int i = 0; i < depth; i++) {
                ThreadLocalRandom.current().nextBytes(record);
                buffers[i] = AioBuffers.directBuffer(bs, Math.max(1, ch.alignment())).writeBytes(record);
            }
            Appender appender = new Appender(loop, ch, buffers, dsync, limit);
            AioMetrics metrics = ch.metrics();
            long blockingBefore = metrics.blockingSubmitted();
            long submittedBefore = metrics.submitted();
            appender.start(System.nanoTime(), TimeUnit.SECONDS.toNanos(warmup), TimeUnit.SECONDS.toNanos(runtime));
            appender.await();
            // Where the requests went, per record: the kernel (io_submit / SQE) or a blocking thread
            double records = Math.max(1, appender.acknowledgedTotal());
            double kernelOps = (metrics.submitted() - submittedBefore) / records;
            double laneOps = (metrics.blockingSubmitted() - blockingBefore) / records;
            return new Result(dsync ? "dsync" : "fdatasync", depth, bs, direct, ch.engine(), appender.rate(),
                    appender.latencyMicros(50), appender.latencyMicros(99), appender.count(),
                    appender.windowSeconds(), appender.wasExhausted(), kernelOps, laneOps);
        } finally {
            for (ByteBuf b : buffers) {
                if (b != null) {
                    b.release();
                }
            }
            ch.close();
            Files.deleteIfExists(path);
        }
    }

    /** Appends records: issue position order, one record per slot in flight. Loop thread only. */
    private static final class Appender extends ClosedLoop {
        private final AioFileChannel ch;
        private final boolean dsync;
        private final long limit;
        private final int bs;
        private long nextPosition;
        private final SyncAfterWrite afterWrite = new SyncAfterWrite();

        Appender(EventExecutor loop, AioFileChannel ch, ByteBuf[] buffers, boolean dsync, long limit) {
            super(loop, buffers);
            this.ch = ch;
            this.dsync = dsync;
            this.limit = limit;
            this.bs = buffers[0].readableBytes();
        }

        @Override
        void issue(Slot slot) {
            if (nextPosition + bs > limit) {
                exhausted(slot);
                return;
            }
            slot.position = nextPosition;
            nextPosition += bs;
            slot.buf.readerIndex(0);
            if (dsync) {
                ch.write(slot.buf, slot.position, AioRequestOptions.DSYNC, slot, this);
            } else {
                ch.write(slot.buf, slot.position, slot, afterWrite);
            }
        }

        /** fdatasync once the write completed: only then does the sync cover it. */
        private final class SyncAfterWrite implements AioCompletionHandler<Slot> {
            @Override
            public void completed(int result, Slot slot) {
                Future<Void> sync = ch.fdatasync();
                sync.addListener(f -> {
                    if (f.isSuccess()) {
                        acknowledged(slot);
                    } else {
                        Appender.this.failed(f.cause(), slot);
                    }
                });
            }

            @Override
            public void failed(Throwable cause, Slot slot) {
                Appender.this.failed(cause, slot);
            }
        }
    }

    /** One run's figures. */
    static final class Result {
        final String sync;
        final int depth;
        final int bs;
        final boolean direct;
        final String engine;
        final double rate;
        final double p50;
        final double p99;
        final long count;
        final double seconds;
        final boolean exhausted;
        /** Requests per record handed to the kernel, and to a blocking thread. */
        final double kernelOps;
        final double laneOps;

        Result(String sync, int depth, int bs, boolean direct, String engine, double rate, double p50, double p99,
               long count, double seconds, boolean exhausted, double kernelOps, double laneOps) {
            this.sync = sync;
            this.depth = depth;
            this.bs = bs;
            this.direct = direct;
            this.engine = engine;
            this.rate = rate;
            this.p50 = p50;
            this.p99 = p99;
            this.count = count;
            this.seconds = seconds;
            this.exhausted = exhausted;
            this.kernelOps = kernelOps;
            this.laneOps = laneOps;
        }

        String key() {
            return sync + "/" + depth;
        }

        /** @return the median of each figure over {@code runs} of one configuration */
        static Result median(List<Result> runs) {
            Result first = runs.get(0);
            return new Result(first.sync, first.depth, first.bs, first.direct, first.engine,
                    median(runs, r -> r.rate), median(runs, r -> r.p50), median(runs, r -> r.p99),
                    (long) median(runs, r -> r.count), median(runs, r -> r.seconds),
                    runs.stream().anyMatch(r -> r.exhausted), median(runs, r -> r.kernelOps),
                    median(runs, r -> r.laneOps));
        }

        private static double median(List<Result> runs, java.util.function.ToDoubleFunction<Result> f) {
            List<Double> values = new ArrayList<>();
            runs.forEach(r -> values.add(f.applyAsDouble(r)));
            Collections.sort(values);
            int n = values.size();
            return n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "engine=%s direct=%s bs=%d sync=%s depth=%d records_per_s=%.0f "
                            + "p50_us=%.0f p99_us=%.0f records=%d seconds=%.2f kernel_ops=%.2f lane_ops=%.2f%s",
                    engine, direct, bs, sync, depth, rate, p50, p99, count, seconds, kernelOps,
                    laneOps,
                    exhausted ? " space_ran_out=true" : "");
        }
    }
}
