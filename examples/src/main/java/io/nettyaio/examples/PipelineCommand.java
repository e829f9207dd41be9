package io.nettyaio.examples;

/** Placeholder: the pipeline command is being written. */
public final class PipelineCommand {
    private PipelineCommand() { }

    public static int run(String[] args) throws Exception {
        System.err.println("pipeline: not implemented yet");
        return 2;
    }
}
