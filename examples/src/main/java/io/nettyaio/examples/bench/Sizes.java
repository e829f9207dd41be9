package io.nettyaio.examples.bench;

import java.util.Locale;

/** Parses and prints byte sizes such as {@code 4096}, {@code 4k}, {@code 256m} or {@code 1g} (powers of 1024). */
public final class Sizes {
    private static final String EXPECTED = "a positive size in bytes like 4096, 4k, 256m or 1g";

    private Sizes() { }

    /**
     * Parses a size with an optional suffix {@code k}, {@code m} or {@code g} (either case; powers of 1024).
     *
     * @param flag  the flag the value belongs to, for the error message
     * @param value the text to parse
     * @return the size in bytes, greater than zero
     * @throws BenchUsageException if the text is not a positive size or does not fit in a {@code long}
     */
    public static long parse(String flag, String value) throws BenchUsageException {
        if (value == null || value.isEmpty()) {
            throw BenchUsageException.badValue(flag, "''", EXPECTED);
        }
        int shift = 0;
        String digits = value;
        switch (Character.toLowerCase(value.charAt(value.length() - 1))) {
            case 'k':
                shift = 10;
                break;
            case 'm':
                shift = 20;
                break;
            case 'g':
                shift = 30;
                break;
            default:
                break;
        }
        if (shift != 0) {
            digits = value.substring(0, value.length() - 1);
        }
        if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw BenchUsageException.badValue(flag, value, EXPECTED);
        }
        long n;
        try {
            n = Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw BenchUsageException.badValue(flag, value, EXPECTED);
        }
        if (n <= 0) {
            throw BenchUsageException.badValue(flag, value, EXPECTED);
        }
        if (Long.numberOfLeadingZeros(n) <= shift) {
            throw BenchUsageException.badValue(flag, value, EXPECTED + ", at most " + Long.MAX_VALUE + " bytes");
        }
        return n << shift;
    }

    /**
     * Formats a size for people: {@code 4 KiB}, {@code 256 MiB}, or plain bytes when it is not a whole unit.
     *
     * @param bytes the size
     * @return the text
     */
    public static String format(long bytes) {
        String[] units = {"GiB", "MiB", "KiB"};
        int[] shifts = {30, 20, 10};
        for (int i = 0; i < units.length; i++) {
            long unit = 1L << shifts[i];
            if (bytes >= unit && bytes % unit == 0) {
                return String.format(Locale.ROOT, "%d %s", bytes / unit, units[i]);
            }
        }
        return bytes + " B";
    }
}
