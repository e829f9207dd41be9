package io.nettyaio.examples.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SizesTest {

    @Test
    void shouldParsePlainBytesAndPowerOf1024Suffixes() throws BenchUsageException {
        assertEquals(4096, Sizes.parse("--bs", "4096"));
        assertEquals(4096, Sizes.parse("--bs", "4k"));
        assertEquals(4096, Sizes.parse("--bs", "4K"));
        assertEquals(256L << 20, Sizes.parse("--size", "256m"));
        assertEquals(1L << 30, Sizes.parse("--size", "1g"));
        assertEquals(3L << 30, Sizes.parse("--size", "3G"));
    }

    @Test
    void shouldNameFlagValueAndExpectationWhenSizeIsBad() {
        BenchUsageException e = assertThrows(BenchUsageException.class, () -> Sizes.parse("--bs", "4x"));
        assertEquals("--bs: 4x (expected: a positive size in bytes like 4096, 4k, 256m or 1g)", e.getMessage());
        for (String bad : new String[] {"", "k", "0", "-4k", "4.5k", "4kb", " 4k", "0x10"}) {
            assertThrows(BenchUsageException.class, () -> Sizes.parse("--size", bad), bad);
        }
    }

    @Test
    void shouldRejectSizesThatOverflowALong() {
        BenchUsageException e = assertThrows(BenchUsageException.class, () -> Sizes.parse("--size", "9999999999g"));
        assertEquals("--size: 9999999999g (expected: a positive size in bytes like 4096, 4k, 256m or 1g, at most "
                + Long.MAX_VALUE + " bytes)", e.getMessage());
        assertThrows(BenchUsageException.class, () -> Sizes.parse("--size", "99999999999999999999"));
    }

    @Test
    void shouldFormatWholeUnitsForPeople() {
        assertEquals("4 KiB", Sizes.format(4096));
        assertEquals("256 MiB", Sizes.format(256L << 20));
        assertEquals("1 GiB", Sizes.format(1L << 30));
        assertEquals("1536 KiB", Sizes.format(1536 * 1024));
        assertEquals("1000 B", Sizes.format(1000));
    }
}
