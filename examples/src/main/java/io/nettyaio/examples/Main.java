package io.nettyaio.examples;

import io.nettyaio.examples.bench.BenchCommand;

import java.util.Arrays;

/**
 * Entry point of {@code netty-aio-examples.jar}: {@code java -jar netty-aio-examples.jar <command> [options]}.
 * With no command it runs the default benchmark comparison (the README's main job).
 */
public final class Main {
    private Main() { }

    /**
     * Dispatches to a subcommand and exits with its status.
     *
     * @param args the subcommand name followed by its options
     */
    public static void main(String[] args) throws Exception {
        String command = args.length == 0 ? "bench" : args[0];
        String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
        int status;
        switch (command) {
            case "bench":
                status = BenchCommand.run(rest);
                break;
            case "serve":
                status = ServeCommand.run(rest);
                break;
            case "cat":
                status = CatCommand.run(rest);
                break;
            case "copy":
                status = CopyCommand.run(rest);
                break;
            case "jmh":
                org.openjdk.jmh.Main.main(rest);
                status = 0;
                break;
            case "pipeline":
                status = PipelineCommand.run(rest);
                break;
            case "doctor":
                status = DoctorCommand.run(rest);
                break;
            case "durable-append":
                status = io.nettyaio.examples.options.DurableAppendCommand.run(rest);
                break;
            case "priority-read":
                status = io.nettyaio.examples.options.PriorityReadCommand.run(rest);
                break;
            case "-h":
            case "--help":
            case "help":
                usage();
                status = 0;
                break;
            default:
                System.err.println("unknown command: " + command);
                usage();
                status = 2;
        }
        System.exit(status);
    }

    private static void usage() {
        System.err.println("usage: java -jar netty-aio-examples.jar <command> [options]\n"
                + "  bench     fio-like benchmark (no command: a short aio vs jdk-async comparison)\n"
                + "  serve     HTTP/1.1 static file server\n"
                + "  cat       stream a file to stdout\n"
                + "  copy      copy a file with overlapped reads and writes\n"
                + "  pipeline  promise-chaining demonstration\n"
                + "  doctor    what this machine offers netty-aio, and what the library will do (exit 1: fallback only)\n"
                + "  jmh       JMH microbenchmarks of AioFileChannel (JMH options, e.g. -prof gc)\n"
                + "  durable-append  write + fdatasync against RWF_DSYNC writes: records/s and latency\n"
                + "  priority-read   two read workloads at once, each at its own I/O priority\n"
                + "Run '<command> --help' for its options.");
    }
}
