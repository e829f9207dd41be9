package io.nettyaio.examples;

/** Placeholder: the copy command is being written. */
public final class CopyCommand {
    private CopyCommand() { }

    public static int run(String[] args) throws Exception {
        System.err.println("copy: not implemented yet");
        return 2;
    }
}
