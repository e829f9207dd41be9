package io.nettyaio.examples.http;

/**
 * The outcome of a {@code Range: bytes=...} header evaluated against a representation of {@code size} bytes
 * (RFC 9110, section 14): serve the whole thing (no header, an invalid one, another unit, or several ranges, which
 * the RFC lets us answer with 200), one range (206), or nothing satisfiable (416).
 */
final class ByteRange {
    /** What to answer. */
    enum Kind { WHOLE, PARTIAL, UNSATISFIABLE }

    private static final ByteRange WHOLE = new ByteRange(Kind.WHOLE, -1, -1);
    private static final ByteRange UNSATISFIABLE = new ByteRange(Kind.UNSATISFIABLE, -1, -1);

    final Kind kind;
    /** First byte, inclusive; meaningful for {@link Kind#PARTIAL} only. */
    final long first;
    /** Last byte, inclusive; meaningful for {@link Kind#PARTIAL} only. */
    final long last;

    private ByteRange(Kind kind, long first, long last) {
        this.kind = kind;
        this.first = first;
        this.last = last;
    }

    /**
     * @param header the {@code Range} header's value, or {@code null}
     * @param size the representation's length in bytes
     * @return what to serve
     */
    static ByteRange evaluate(String header, long size) {
        if (header == null) {
            return WHOLE;
        }
        String value = header.trim();
        int eq = value.indexOf('=');
        if (eq < 0 || !value.substring(0, eq).trim().equalsIgnoreCase("bytes")) {
            return WHOLE;
        }
        String spec = value.substring(eq + 1).trim();
        if (spec.indexOf(',') >= 0) {
            return WHOLE;
        }
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return WHOLE;
        }
        String firstText = spec.substring(0, dash).trim();
        String lastText = spec.substring(dash + 1).trim();
        if (firstText.isEmpty()) {
            // Suffix range "-N": the last N bytes.
            long suffix = parseDigits(lastText);
            if (suffix < 0) {
                return WHOLE;
            }
            if (suffix == 0 || size == 0) {
                return UNSATISFIABLE;
            }
            return new ByteRange(Kind.PARTIAL, Math.max(0, size - suffix), size - 1);
        }
        long first = parseDigits(firstText);
        long last = lastText.isEmpty() ? Long.MAX_VALUE : parseDigits(lastText);
        if (first < 0 || last < first) {
            return WHOLE;
        }
        if (first >= size) {
            return UNSATISFIABLE;
        }
        return new ByteRange(Kind.PARTIAL, first, Math.min(last, size - 1));
    }

    /** @return how many bytes the range covers */
    long length() {
        return last - first + 1;
    }

    /**
     * @param size the representation's length
     * @return the {@code Content-Range} value, {@code bytes first-last/size}
     */
    String contentRange(long size) {
        return "bytes " + first + "-" + last + "/" + size;
    }

    /**
     * @param size the representation's length
     * @return the {@code Content-Range} value of a 416 answer, {@code bytes *}{@code /size}
     */
    static String unsatisfiedRange(long size) {
        return "bytes */" + size;
    }

    /** @return the number, {@code Long.MAX_VALUE} when it has too many digits, or -1 when not digits at all */
    private static long parseDigits(String digits) {
        if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }
}
