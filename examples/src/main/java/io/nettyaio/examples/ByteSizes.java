package io.nettyaio.examples;

import java.util.Locale;

/** Parses and prints byte counts the way people type and read them: {@code 4096}, {@code 64k}, {@code 1.5 MiB}. */
public final class ByteSizes {
    private static final String UNITS = "kmgt";

    private ByteSizes() { }

    /**
     * Parses a size: digits with an optional binary suffix {@code k}, {@code m}, {@code g} or {@code t}
     * (case-insensitive, optionally followed by {@code b} or {@code ib}).
     *
     * @param text the text to parse
     * @return the number of bytes
     * @throws NumberFormatException when {@code text} is not such a size or does not fit in a {@code long}
     */
    public static long parse(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        if (s.endsWith("ib")) {
            s = s.substring(0, s.length() - 2);
        } else if (s.endsWith("b")) {
            s = s.substring(0, s.length() - 1);
        }
        int shift = 0;
        if (!s.isEmpty()) {
            int unit = UNITS.indexOf(s.charAt(s.length() - 1));
            if (unit >= 0) {
                shift = 10 * (unit + 1);
                s = s.substring(0, s.length() - 1);
            }
        }
        if (s.isEmpty() || !s.chars().allMatch(Character::isDigit)) {
            throw new NumberFormatException("not a size: " + text);
        }
        long value = Long.parseLong(s);
        if (value > Long.MAX_VALUE >> shift) {
            throw new NumberFormatException("size too large: " + text);
        }
        return value << shift;
    }

    /**
     * Formats a byte count with a binary unit, e.g. {@code 512 B}, {@code 64.0 KiB}, {@code 1.5 GiB}.
     *
     * @param bytes a non-negative byte count
     * @return the human-readable form
     */
    public static String format(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < UNITS.length() - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %ciB", value, Character.toUpperCase(UNITS.charAt(unit)));
    }
}
