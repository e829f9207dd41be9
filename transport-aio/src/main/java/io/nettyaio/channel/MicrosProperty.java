package io.nettyaio.channel;

import java.util.concurrent.TimeUnit;

/**
 * A system property that holds a whole number of microseconds: 0, or a value in a range. Read once, when a group
 * is created; a bad value fails with the property, its value and what is accepted.
 */
final class MicrosProperty {
    private MicrosProperty() { }

    /**
     * @param name the property's name
     * @param value its value, or {@code null} when it is not set (surrounding blanks are ignored)
     * @param defaultMicros what an unset property means
     * @param min the least value accepted besides 0
     * @param max the greatest value accepted
     * @param expected what is accepted, in words, for the error message
     * @return the value in nanoseconds
     * @throws IllegalArgumentException when the value is not a whole number, or neither 0 nor from min to max
     */
    static long nanos(String name, String value, long defaultMicros, long min, long max, String expected) {
        if (value == null) {
            return TimeUnit.MICROSECONDS.toNanos(defaultMicros);
        }
        long micros;
        try {
            micros = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            micros = -1;
        }
        if (micros != 0 && (micros < min || micros > max)) {
            throw new IllegalArgumentException("-D" + name + "=" + value + " (expected: " + expected + ")");
        }
        return TimeUnit.MICROSECONDS.toNanos(micros);
    }
}
