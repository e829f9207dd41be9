package io.nettyaio.examples.bench;

import io.nettyaio.channel.Aio;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code bench} does with no options (the README's first command): about ten seconds comparing aio with
 * jdk-async on 4 KiB random O_DIRECT reads at depth 32 on a 256 MiB file, printed side by side. It degrades rather
 * than fails on a machine without kernel AIO or O_DIRECT, and says so. The file is a temporary one: deleted at the
 * end when this run created it, kept when it was there before.
 */
final class DefaultComparison {
    static final double RUNTIME_SECONDS = 4;
    static final double WARMUP_SECONDS = 1;

    private DefaultComparison() { }

    static int run(PrintStream out, PrintStream err, Progress progress) throws InterruptedException {
        return run(out, err, progress, BenchOptions.defaults().withTimes(RUNTIME_SECONDS, WARMUP_SECONDS));
    }

    /** The comparison with {@code options}' file, size and times (tests use a small file and short runs). */
    static int run(PrintStream out, PrintStream err, Progress progress, BenchOptions options)
            throws InterruptedException {
        boolean created = !Files.exists(options.file());
        try {
            return compare(out, err, progress, options);
        } finally {
            if (created) {
                try {
                    Files.deleteIfExists(options.file());
                } catch (IOException e) {
                    err.println("bench: cannot delete " + options.file() + ": " + e.getMessage());
                }
            }
        }
    }

    private static int compare(PrintStream out, PrintStream err, Progress progress, BenchOptions options)
            throws InterruptedException {
        err.println("bench: comparing aio and jdk-async: " + options.pattern().flagValue() + " "
                + Sizes.format(options.bs()) + ", iodepth " + options.iodepth() + ", O_DIRECT, "
                + Sizes.format(options.size()) + " file " + options.file() + ", "
                + (int) (WARMUP_SECONDS + RUNTIME_SECONDS) + " s each. 'bench --help' lists the options.");
        try {
            BenchFile.prepare(options.file(), options.size(), err);
            if (!JdkEngineSetup.directWorks(options.file())) {
                err.println("bench: O_DIRECT does not work on " + options.file() + " (tmpfs?): comparing buffered I/O");
                options = options.withDirect(false);
            }
        } catch (IOException | BenchUsageException e) {
            err.println("bench: cannot prepare " + options.file() + ": " + e.getMessage());
            return 1;
        }
        List<BenchResult> results = new ArrayList<>();
        int status = 0;
        BenchRunner runner = new BenchRunner(err, progress);
        Throwable aioProblem = aioUnavailability();
        if (aioProblem != null) {
            err.println("bench: the aio engine is not available here (" + aioProblem + "): showing jdk-async alone");
            status = 1;
        }
        for (EngineKind engine : new EngineKind[] {EngineKind.AIO, EngineKind.JDK_ASYNC}) {
            if (engine == EngineKind.AIO && aioProblem != null) {
                continue;
            }
            try {
                results.add(runner.run(options.withEngine(engine)));
            } catch (IOException | BenchUsageException e) {
                err.println("bench: " + engine.flagValue() + " failed: " + e.getMessage());
                status = 1;
            } catch (RuntimeException e) {
                err.println("bench: " + engine.flagValue() + " failed unexpectedly:");
                e.printStackTrace(err);
                status = 1;
            }
        }
        if (!results.isEmpty()) {
            out.print(ResultTable.format(results));
        }
        return status;
    }

    private static Throwable aioUnavailability() {
        try {
            return Aio.isAvailable() ? null : Aio.unavailabilityCause();
        } catch (LinkageError | RuntimeException e) {
            return e;
        }
    }
}
