package io.nettyaio.examples.bench;

/**
 * A command-line option was missing, unknown or had a bad value. The message names the flag, the value and what was
 * expected; {@code bench} prints it and exits with status 2. (The other commands have their own,
 * {@link io.nettyaio.examples.CommandUsageException}.)
 */
public final class BenchUsageException extends Exception {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message names the flag, the value and what was expected
     */
    public BenchUsageException(String message) {
        super(message);
    }

    static BenchUsageException badValue(String flag, String value, String expected) {
        return new BenchUsageException(flag + ": " + value + " (expected: " + expected + ")");
    }
}
