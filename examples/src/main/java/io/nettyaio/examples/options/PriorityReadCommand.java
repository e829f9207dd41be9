package io.nettyaio.examples.options;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.EventExecutor;
import io.nettyaio.channel.AioBuffers;
import io.nettyaio.channel.AioEventLoopGroup;
import io.nettyaio.channel.AioFileChannel;
import io.nettyaio.channel.AioIoPriority;
import io.nettyaio.channel.AioOpenOption;
import io.nettyaio.examples.CommandLine;
import io.nettyaio.examples.CommandUsageException;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static java.nio.file.StandardOpenOption.READ;

/**
 * {@code priority-read FILE_A FILE_B}: two random-read workloads at once on the same disk, each on its own channel
 * and loop with its own I/O priority ({@link AioIoPriority} as the channel's default), and what each one got: reads
 * per second and latency. Each pair of priorities ({@code --pairs}, A:B) is one phase; the phases alternate over
 * {@code --rounds}, so a control pair (both best effort) sits beside the pair under test. O_DIRECT, so every read
 * reaches the device and its scheduler: whether that scheduler honours priorities is the question.
 */
public final class PriorityReadCommand {
    static final String USAGE = "usage: priority-read FILE_A FILE_B [--pairs A:B,...] [--depth N] [--bs SIZE] "
            + "[--runtime S] [--warmup S] [--rounds N]\n"
            + "  Random O_DIRECT reads of FILE_A and FILE_B at the same time, each at its own I/O priority.\n"
            + "  --pairs LIST   priority pairs A:B, one phase each; a priority is none, idle, be0..be7 or rt0..rt7\n"
            + "                 (default be4:be4,idle:be4)\n"
            + "  --depth N      reads in flight per workload, 1 to 256 (default 16)\n"
            + "  --bs SIZE      bytes per read (default 4k)\n"
            + "  --runtime S    measured seconds per phase (default 5)\n"
            + "  --warmup S     seconds before measuring (default 1)\n"
            + "  --rounds N     times each phase runs, alternating (default 1)\n";

    private PriorityReadCommand() { }

    /**
     * Runs the command on the process's standard streams.
     *
     * @param args the options after {@code priority-read}
     * @return the exit status: 0 done, 1 a run failed, 2 bad command line
     */
    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Path fileA;
        Path fileB;
        List<AioIoPriority[]> pairs = new ArrayList<>();
        List<String> pairNames = new ArrayList<>();
        int depth;
        int bs;
        int runtime;
        int warmup;
        int rounds;
        try {
            CommandLine cl = CommandLine.parse(args, Set.of("--pairs", "--depth", "--bs", "--runtime", "--warmup",
                    "--rounds"), Set.of());
            if (cl.helpRequested()) {
                out.print(USAGE);
                return 0;
            }
            List<String> files = cl.positionals("FILE_A", "FILE_B");
            fileA = Path.of(files.get(0));
            fileB = Path.of(files.get(1));
            for (Path f : List.of(fileA, fileB)) {
                if (!Files.isRegularFile(f)) {
                    throw new CommandUsageException("'" + f + "' (expected: an existing regular file)");
                }
            }
            for (String pair : cl.value("--pairs", "be4:be4,idle:be4").split(",")) {
                String[] ab = pair.split(":");
                if (ab.length != 2) {
                    throw new CommandUsageException("--pairs: '" + pair + "' (expected: A:B, e.g. idle:be4)");
                }
                pairs.add(new AioIoPriority[] {priority(ab[0]), priority(ab[1])});
                pairNames.add(pair);
            }
            depth = cl.intValue("--depth", 16, 1, 256);
            bs = cl.sizeValue("--bs", 4096, 512, 1 << 20);
            runtime = cl.intValue("--runtime", 5, 1, 600);
            warmup = cl.intValue("--warmup", 1, 0, 600);
            rounds = cl.intValue("--rounds", 1, 1, 100);
        } catch (CommandUsageException e) {
            err.println("priority-read: " + e.getMessage());
            err.println("Run 'priority-read --help' for usage.");
            return 2;
        }

        AioEventLoopGroup group = new AioEventLoopGroup(2, 256);
        try {
            for (int round = 0; round < rounds; round++) {
                for (int p = 0; p < pairs.size(); p++) {
                    double load = Options.loadAverage();
                    Reader[] readers = runPhase(group.next(), group.next(), fileA, fileB, pairs.get(p), depth, bs,
                            runtime, warmup);
                    out.println(String.format(Locale.ROOT, "PHASE round=%d load=%.2f pair=%s depth=%d bs=%d "
                                    + "engine=%s %s %s", round + 1, load, pairNames.get(p), depth,
                            bs, readers[0].engine, readers[0].figures("a"),
                            readers[1].figures("b")));
                    out.flush();
                }
            }
        } catch (Exception e) {
            err.println("priority-read: " + e);
            return 1;
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        return 0;
    }

    /** @return the priority named {@code none} (null), {@code idle}, {@code beN} or {@code rtN} */
    static AioIoPriority priority(String name) throws CommandUsageException {
        String s = name.trim().toLowerCase(Locale.ROOT);
        if (s.equals("none")) {
            return null;
        }
        if (s.equals("idle")) {
            return AioIoPriority.IDLE;
        }
        if (s.length() == 3 && (s.startsWith("be") || s.startsWith("rt")) && s.charAt(2) >= '0'
                && s.charAt(2) <= '7') {
            return AioIoPriority.of(s.startsWith("be") ? AioIoPriority.Class.BEST_EFFORT
                    : AioIoPriority.Class.REALTIME, s.charAt(2) - '0');
        }
        throw new CommandUsageException("priority: '" + name + "' (expected: none, idle, be0..be7 or rt0..rt7)");
    }

    private static Reader[] runPhase(EventExecutor loopA, EventExecutor loopB, Path fileA, Path fileB,
                                     AioIoPriority[] pair, int depth, int bs, int runtime, int warmup)
            throws Exception {
        AioFileChannel a = open(fileA, loopA, pair[0]);
        AioFileChannel b = null;
        Reader[] readers = new Reader[2];
        try {
            b = open(fileB, loopB, pair[1]);
            readers[0] = new Reader(loopA, a, depth, bs);
            readers[1] = new Reader(loopB, b, depth, bs);
            long start = System.nanoTime();
            for (Reader r : readers) {
                r.start(start, TimeUnit.SECONDS.toNanos(warmup), TimeUnit.SECONDS.toNanos(runtime));
            }
            for (Reader r : readers) {
                r.await();
            }
            return readers;
        } finally {
            for (Reader r : readers) {
                if (r != null) {
                    r.release();
                }
            }
            a.close();
            if (b != null) {
                b.close();
            }
        }
    }

    private static AioFileChannel open(Path file, EventExecutor loop, AioIoPriority priority) throws Exception {
        List<OpenOption> options = new ArrayList<>(List.of(READ, AioOpenOption.DIRECT));
        if (priority != null) {
            options.add(priority);
        }
        return AioFileChannel.open(file, loop, options.toArray(new OpenOption[0]));
    }

    /** Random aligned reads over the whole file. Loop thread only, but for the figures read after the run. */
    private static final class Reader extends ClosedLoop {
        private final AioFileChannel ch;
        private final String engine;
        private final ByteBuf[] buffers;
        private final long blocks;
        private final int bs;

        Reader(EventExecutor loop, AioFileChannel ch, int depth, int bs) throws Exception {
            this(loop, ch, buffers(ch, depth, bs), bs);
        }

        private Reader(EventExecutor loop, AioFileChannel ch, ByteBuf[] buffers, int bs) throws Exception {
            super(loop, buffers);
            this.ch = ch;
            this.engine = ch.engine();
            this.buffers = buffers;
            this.bs = bs;
            this.blocks = ch.size() / bs;
            if (blocks == 0) {
                release();
                throw new CommandUsageException(ch.path() + ": smaller than one read of " + bs + " bytes");
            }
        }

        private static ByteBuf[] buffers(AioFileChannel ch, int depth, int bs) {
            ByteBuf[] buffers = new ByteBuf[depth];
            for (int i = 0; i < depth; i++) {
                buffers[i] = AioBuffers.directBuffer(bs, Math.max(1, ch.alignment()));
            }
            return buffers;
        }

        @Override
        void issue(Slot slot) {
            slot.buf.clear();
            ch.read(slot.buf, ThreadLocalRandom.current().nextLong(blocks) * bs, slot, this);
        }

        void release() {
            for (ByteBuf b : buffers) {
                b.release();
            }
        }

        String figures(String name) {
            return String.format(Locale.ROOT, "%s_iops=%.0f %s_p50_us=%.0f %s_p99_us=%.0f", name, rate(), name,
                    latencyMicros(50), name, latencyMicros(99));
        }
    }
}
