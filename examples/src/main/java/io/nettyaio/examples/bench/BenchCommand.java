package io.nettyaio.examples.bench;

/** Placeholder: the bench command is being written. */
public final class BenchCommand {
    private BenchCommand() { }

    /**
     * Runs the benchmark with command-line options.
     *
     * @param args options
     * @return the process exit status
     */
    public static int run(String[] args) throws Exception {
        System.err.println("bench: not implemented yet");
        return 2;
    }
}
