package io.nettyaio.examples;

import io.netty.util.concurrent.Future;
import io.nettyaio.channel.AioFileChannel;
import io.nettyaio.channel.AioOpenOption;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@code copy SRC DST [--direct] [--depth N] [--bs SIZE]}: copies a file with reads and writes overlapped, then
 * {@code fdatasync}s the copy. With {@code --direct} both files bypass the page cache.
 */
public final class CopyCommand {
    static final String USAGE = "usage: copy SRC DST [--direct] [--depth N] [--bs SIZE]\n"
            + "  Copies SRC to DST (created or truncated) with N blocks of SIZE bytes in flight, then fdatasyncs DST.\n"
            + "  --direct    open both files with O_DIRECT (SIZE must be a multiple of the files' alignment)\n"
            + "  --depth N   blocks in flight, 1 to 1024 (default 8)\n"
            + "  --bs SIZE   bytes per block, 512 to 64m, e.g. 64k, 1m (default 1m)\n";

    private static final int DEFAULT_DEPTH = 8;
    private static final int DEFAULT_BLOCK_SIZE = 1 << 20;
    private static final long PROGRESS_THRESHOLD = 64L << 20;

    private CopyCommand() { }

    /**
     * Runs the command on the process's standard streams.
     *
     * @param args the options after {@code copy}
     * @return the exit status: 0 done, 1 I/O error, 2 bad command line
     */
    public static int run(String[] args) throws Exception {
        return run(args, System.out, System.err, System.console() != null);
    }

    static int run(String[] args, PrintStream out, PrintStream err, boolean interactive) throws InterruptedException {
        CopyOptions options;
        try {
            options = CopyOptions.parse(args);
            if (options == null) {
                out.print(USAGE);
                return 0;
            }
        } catch (CommandUsageException e) {
            err.println("copy: " + e.getMessage());
            err.println("Run 'copy --help' for usage.");
            return 2;
        }
        try (AioFileChannel src = AioFileChannel.open(options.src, options.openOptions(StandardOpenOption.READ))) {
            // Check against SRC's alignment before DST is opened, and so truncated, for nothing.
            if (!options.alignedTo(src.alignment(), err)) {
                return 2;
            }
            try (AioFileChannel dst = AioFileChannel.open(options.dst, src.executor(), options.openOptions(
                    StandardOpenOption.WRITE, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING))) {
                if (!options.alignedTo(dst.alignment(), err)) {
                    return 2;
                }
                return copy(src, dst, options, err, interactive);
            }
        } catch (IOException e) {
            err.println("copy: " + e);
            return 1;
        }
    }

    private static int copy(AioFileChannel src, AioFileChannel dst, CopyOptions options, PrintStream err,
                            boolean interactive) throws IOException, InterruptedException {
        long size = src.size();
        FileCopier copier = new FileCopier(src, dst, size, options.blockSize, options.depth);
        long start = System.nanoTime();
        Future<Long> copied = copier.start();
        ProgressBar progress = interactive && size >= PROGRESS_THRESHOLD ? new ProgressBar(err, size) : null;
        while (!copied.await(200, TimeUnit.MILLISECONDS)) {
            if (progress != null) {
                progress.update(copier.bytesCopied());
            }
        }
        if (progress != null) {
            progress.finish(copier.bytesCopied());
        }
        if (!copied.isSuccess()) {
            err.println("copy: " + options.src + " -> " + options.dst + ": " + copied.cause());
            return 1;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        err.printf(Locale.ROOT, "copied %s in %.2f s (%s/s)%s%n", ByteSizes.format(size), seconds,
                ByteSizes.format((long) (size / Math.max(seconds, 1e-9))), src.isDirect() ? ", O_DIRECT" : "");
        return 0;
    }

    /** The parsed command line; {@code null} from {@link #parse} means help was asked for. */
    private static final class CopyOptions {
        Path src;
        Path dst;
        boolean direct;
        int depth;
        int blockSize;

        static CopyOptions parse(String[] args) throws CommandUsageException {
            CommandLine cl = CommandLine.parse(args, Set.of("--depth", "--bs"), Set.of("--direct"));
            if (cl.helpRequested()) {
                return null;
            }
            CopyOptions options = new CopyOptions();
            options.direct = cl.has("--direct");
            options.depth = cl.intValue("--depth", DEFAULT_DEPTH, 1, 1024);
            options.blockSize = cl.sizeValue("--bs", DEFAULT_BLOCK_SIZE, 512, 64 << 20);
            List<String> files = cl.positionals("SRC", "DST");
            options.src = Path.of(files.get(0));
            options.dst = Path.of(files.get(1));
            if (!Files.isRegularFile(options.src)) {
                throw new CommandUsageException("SRC: '" + options.src + "' (expected: an existing regular file)");
            }
            try {
                if (Files.exists(options.dst) && Files.isSameFile(options.src, options.dst)) {
                    throw new CommandUsageException("DST: '" + options.dst + "' (expected: a file other than SRC)");
                }
            } catch (IOException e) {
                throw new CommandUsageException("DST: '" + options.dst + "' (" + e.getMessage() + ")");
            }
            return options;
        }

        boolean alignedTo(int alignment, PrintStream err) {
            if (blockSize % alignment == 0) {
                return true;
            }
            err.println("copy: --bs: " + blockSize + " (expected: a multiple of " + alignment + " with --direct)");
            return false;
        }

        OpenOption[] openOptions(OpenOption... base) {
            List<OpenOption> all = new ArrayList<>(List.of(base));
            if (direct) {
                all.add(AioOpenOption.DIRECT);
            }
            return all.toArray(new OpenOption[0]);
        }
    }
}
