package io.nettyaio.channel;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AioBuffersTest {

    @AfterEach
    void noLeak() {
        LeakRecorder.assertNoLeaks();
    }

    @Test
    void shouldAlignTheAddressAndFreeEverythingOnRelease() {
        for (int align : new int[] {1, 512, 4096}) {
            ByteBuf buf = AioBuffers.directBuffer(8192, align);
            try {
                assertTrue(buf.isDirect());
                assertEquals(8192, buf.capacity());
                assertEquals(0, buf.writerIndex());
                long misalignment = buf.hasMemoryAddress() ? buf.memoryAddress() % align
                        : buf.nioBuffer(0, buf.capacity()).alignmentOffset(0, align);
                assertEquals(0, misalignment, "align " + align);
            } finally {
                assertTrue(buf.release());
            }
            assertEquals(0, buf.refCnt());
        }
    }

    @Test
    void shouldRefuseBadArgumentsNamingTheValueAndTheRequirement() {
        assertEquals("alignment: 3000 (expected: a power of two from 1 to 4096)", assertThrows(
                IllegalArgumentException.class, () -> AioBuffers.directBuffer(4096, 3000)).getMessage());
        assertEquals("capacity: -1 (expected: >= 0)", assertThrows(
                IllegalArgumentException.class, () -> AioBuffers.directBuffer(-1, 512)).getMessage());
    }

    @Test
    void shouldRefuseCapacitiesWhoseAlignedSizeOverflowsNamingTheLimit() {
        assertEquals(Integer.MAX_VALUE - 4095, AioBuffers.MAX_CAPACITY);
        for (int align : new int[] {1, 512, 4096}) {
            for (int capacity : new int[] {Integer.MAX_VALUE, AioBuffers.MAX_CAPACITY + 1}) {
                assertEquals("capacity: " + capacity + " (expected: <= 2147479552 for an aligned buffer)",
                        assertThrows(IllegalArgumentException.class, () -> AioBuffers.directBuffer(capacity, align))
                                .getMessage());
            }
        }
    }
}
