package io.nettyaio.examples.bench;

import java.io.Console;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;

/**
 * The {@code bench} subcommand: a fio-like benchmark of {@code AioFileChannel} against the JDK's file channels.
 * {@code bench --help} describes the options; with no options it runs a short aio vs jdk-async comparison.
 */
public final class BenchCommand {
    private BenchCommand() { }

    /**
     * Runs the benchmark with command-line options, printing to {@code System.out} and {@code System.err}.
     *
     * @param args options, without the command name
     * @return the process exit status: 0 done, 1 the run failed, 2 bad options
     */
    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    /**
     * Runs the benchmark with command-line options.
     *
     * @param args options, without the command name
     * @param out  where the table or the JSON object goes
     * @param err  where messages and the progress line go
     * @return the process exit status: 0 done, 1 the run failed, 2 bad options
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        boolean terminal = onTerminal();
        try {
            if (args.length == 0) {
                return DefaultComparison.run(out, err, terminal ? Progress.terminal(err) : Progress.NONE);
            }
            BenchOptions options;
            try {
                options = BenchOptions.parse(args);
            } catch (BenchUsageException e) {
                return usageError(err, e);
            }
            if (options.help()) {
                out.print(Usage.TEXT);
                return 0;
            }
            return runOne(options, out, err, !options.json() && terminal ? Progress.terminal(err) : Progress.NONE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("bench: interrupted");
            return 1;
        }
    }

    private static int runOne(BenchOptions options, PrintStream out, PrintStream err, Progress progress)
            throws InterruptedException {
        // stdout must carry the JSON object alone: whatever else writes to System.out meanwhile goes to stderr.
        PrintStream systemOut = System.out;
        if (options.json()) {
            System.setOut(err);
        }
        BenchResult result;
        try {
            result = new BenchRunner(err, progress).run(options);
        } catch (BenchUsageException e) {
            return usageError(err, e);
        } catch (IOException e) {
            err.println("bench: " + options.engine().flagValue() + ": " + e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            err.println("bench: " + options.engine().flagValue() + " failed unexpectedly:");
            e.printStackTrace(err);
            return 1;
        } finally {
            System.setOut(systemOut);
        }
        out.print(options.json() ? result.toJson() + "\n" : ResultTable.format(List.of(result)));
        out.flush();
        if (result.ops() == 0) {
            err.println("bench: no request completed in the measured window");
            return 1;
        }
        return 0;
    }

    /**
     * {@code System.console() != null} means a terminal up to JDK 21; from JDK 22 there may be a console on
     * redirected streams too, and {@code Console.isTerminal()} (looked up reflectively: we build for 17) tells.
     */
    private static boolean onTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return true;
        }
    }

    private static int usageError(PrintStream err, BenchUsageException e) {
        err.println("bench: " + e.getMessage());
        err.println("Run 'bench --help' for usage.");
        return 2;
    }
}
