package io.nettyaio.examples;

/**
 * A command line the command cannot run with. The message names the offending flag or argument, the value
 * given and what was expected; commands print it and exit with status 2.
 */
public final class CommandUsageException extends Exception {
    /**
     * Creates the exception.
     *
     * @param message what was wrong, e.g. {@code --depth: 0 (expected: an integer from 1 to 1024)}
     */
    public CommandUsageException(String message) {
        super(message);
    }
}
