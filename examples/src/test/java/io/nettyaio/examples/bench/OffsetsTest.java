package io.nettyaio.examples.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OffsetsTest {

    @Test
    void shouldKeepRandomOffsetsAlignedAndInsideTheFile() {
        Offsets offsets = new Offsets(true, 4096, 10 * 4096 + 100, 0);
        for (int i = 0; i < 10_000; i++) {
            long offset = offsets.next();
            assertEquals(0, offset % 4096);
            assertTrue(offset >= 0 && offset <= 10 * 4096 + 100 - 4096, Long.toString(offset));
        }
    }

    @Test
    void shouldWrapSequentialOffsetsAroundFromTheFirstBlock() {
        Offsets offsets = new Offsets(false, 512, 4 * 512, 2);
        long[] expected = {1024, 1536, 0, 512, 1024};
        for (long e : expected) {
            assertEquals(e, offsets.next());
        }
    }

    @Test
    void shouldRefuseABlockLargerThanTheFile() {
        assertThrows(IllegalArgumentException.class, () -> new Offsets(true, 8192, 4096, 0));
    }
}
