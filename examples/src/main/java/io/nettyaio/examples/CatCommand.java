package io.nettyaio.examples;

/** Placeholder: the cat command is being written. */
public final class CatCommand {
    private CatCommand() { }

    public static int run(String[] args) throws Exception {
        System.err.println("cat: not implemented yet");
        return 2;
    }
}
