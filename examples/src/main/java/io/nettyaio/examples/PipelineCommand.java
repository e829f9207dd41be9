package io.nettyaio.examples;

import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.nettyaio.channel.AioEventLoopGroup;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code pipeline [--dir DIR]}: demonstrates promise chaining on {@code AioFileChannel} futures with
 * {@link UppercasePipeline}, then shows failures travelling down a chain: a read of a missing file and a misaligned
 * {@code O_DIRECT} read.
 */
public final class PipelineCommand {
    static final String USAGE = "usage: pipeline [--dir DIR]\n"
            + "  Chains read -> uppercase -> write (two files at once) -> fdatasync -> respond on AIO futures,\n"
            + "  then runs two steps that fail on purpose and prints how their errors arrive.\n"
            + "  --dir DIR   where to create the demo files, which are kept (default: a temporary directory,\n"
            + "              deleted at the end; O_DIRECT needs a file system other than tmpfs)\n";

    private static final String SAMPLE = "Netty meets kernel AIO: no thread blocks on this file.\n";
    private static final long TIMEOUT_SECONDS = 30;

    private PipelineCommand() { }

    /**
     * Runs the demonstration, printing each step to standard output.
     *
     * @param args the options after {@code pipeline}
     * @return 0 when the chain succeeded and both failing steps failed, 1 otherwise, 2 for a bad command line
     */
    public static int run(String[] args) throws Exception {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws InterruptedException {
        Path dir;
        boolean temporary;
        try {
            CommandLine cl = CommandLine.parse(args, Set.of("--dir"), Set.of());
            if (cl.helpRequested()) {
                out.print(USAGE);
                return 0;
            }
            cl.positionals();
            String dirText = cl.value("--dir", null);
            temporary = dirText == null;
            dir = temporary ? Files.createTempDirectory("netty-aio-pipeline-") : Path.of(dirText);
            if (!Files.isDirectory(dir)) {
                throw new CommandUsageException("--dir: '" + dirText + "' (expected: an existing directory)");
            }
        } catch (CommandUsageException e) {
            err.println("pipeline: " + e.getMessage());
            err.println("Run 'pipeline --help' for usage.");
            return 2;
        } catch (IOException e) {
            err.println("pipeline: cannot create a temporary directory: " + e);
            return 1;
        }
        AioEventLoopGroup group = new AioEventLoopGroup(1);
        try {
            return demonstrate(dir, group.next(), out) ? 0 : 1;
        } catch (IOException e) {
            err.println("pipeline: " + e);
            return 1;
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
            if (temporary) {
                deleteQuietly(dir);
            }
        }
    }

    private static boolean demonstrate(Path dir, EventExecutor executor, PrintStream out)
            throws IOException, InterruptedException {
        Path input = Files.writeString(dir.resolve("input.txt"), SAMPLE);
        UppercasePipeline pipeline = new UppercasePipeline(executor, ByteBufAllocator.DEFAULT, out);

        out.println("1. read -> uppercase -> write x2 -> fdatasync -> respond");
        Future<String> chain = pipeline.run(input, dir.resolve("output.txt"), dir.resolve("output.bak"));
        boolean chainOk = report(chain, out, true);

        out.println("2. the same chain on a file that does not exist: the first step fails, the rest is skipped");
        Future<String> missing = pipeline.run(dir.resolve("missing.txt"), dir.resolve("never.txt"),
                dir.resolve("never.bak"));
        boolean missingFailed = report(missing, out, false);

        out.println("3. an O_DIRECT read at position 1: misaligned, refused before it reaches the kernel");
        boolean misalignedFailed = report(pipeline.misalignedDirectRead(input), out, false);

        return chainOk && missingFailed && misalignedFailed;
    }

    /** Waits for {@code future}, prints its outcome, and tells whether it is the expected one. */
    private static boolean report(Future<?> future, PrintStream out, boolean shouldSucceed)
            throws InterruptedException {
        if (!future.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            out.println("  timed out after " + TIMEOUT_SECONDS + " s");
            return false;
        }
        if (future.isSuccess()) {
            out.println(shouldSucceed ? "  succeeded" : "  succeeded, but should have failed");
        } else {
            out.println("  failed" + (shouldSucceed ? "" : " as expected") + ": " + future.cause());
        }
        return future.isSuccess() == shouldSucceed;
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a leftover temporary directory is harmless
        }
    }
}
