package io.nettyaio.examples;

/** Placeholder: the serve command is being written. */
public final class ServeCommand {
    private ServeCommand() { }

    public static int run(String[] args) throws Exception {
        System.err.println("serve: not implemented yet");
        return 2;
    }
}
