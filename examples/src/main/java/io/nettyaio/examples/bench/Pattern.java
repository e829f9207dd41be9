package io.nettyaio.examples.bench;

/** The access patterns of {@code --rw}, named as in fio. */
public enum Pattern {
    /** Reads at random block-aligned offsets. */
    RANDREAD("randread", true, true),
    /** Writes at random block-aligned offsets. */
    RANDWRITE("randwrite", true, false),
    /** Reads block after block, wrapping around at the end of the file. */
    READ("read", false, true),
    /** Writes block after block, wrapping around at the end of the file. */
    WRITE("write", false, false);

    private final String flagValue;
    private final boolean random;
    private final boolean read;

    Pattern(String flagValue, boolean random, boolean read) {
        this.flagValue = flagValue;
        this.random = random;
        this.read = read;
    }

    /**
     * Returns the name used on the command line and in the JSON output.
     *
     * @return for example {@code randread}
     */
    public String flagValue() {
        return flagValue;
    }

    /**
     * Tells whether offsets are random rather than sequential.
     *
     * @return {@code true} for {@link #RANDREAD} and {@link #RANDWRITE}
     */
    public boolean isRandom() {
        return random;
    }

    /**
     * Tells whether requests read rather than write.
     *
     * @return {@code true} for {@link #RANDREAD} and {@link #READ}
     */
    public boolean isRead() {
        return read;
    }

    static Pattern of(String flag, String value) throws BenchUsageException {
        for (Pattern pattern : values()) {
            if (pattern.flagValue.equals(value)) {
                return pattern;
            }
        }
        throw BenchUsageException.badValue(flag, value, "one of randread, randwrite, read, write");
    }
}
