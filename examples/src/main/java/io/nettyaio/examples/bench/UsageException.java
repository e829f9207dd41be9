package io.nettyaio.examples.bench;

/**
 * A command-line option was missing, unknown or had a bad value. The message names the flag, the value and what was
 * expected; {@code bench} prints it and exits with status 2.
 */
public final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message names the flag, the value and what was expected
     */
    public UsageException(String message) {
        super(message);
    }

    static UsageException badValue(String flag, String value, String expected) {
        return new UsageException(flag + ": " + value + " (expected: " + expected + ")");
    }
}
