package io.nettyaio.examples.bench;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AlignedBuffersTest {

    @Test
    void shouldAlignTheAddressAndFreeEverythingOnRelease() {
        for (int align : new int[] {1, 512, 4096}) {
            ByteBuf buf = AlignedBuffers.allocate(8192, align);
            try {
                assertTrue(buf.isDirect());
                assertEquals(8192, buf.capacity());
                assertEquals(8192, buf.maxCapacity());
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
    void shouldRefuseAnAlignmentThatIsNotAPowerOfTwo() {
        assertThrows(IllegalArgumentException.class, () -> AlignedBuffers.allocate(4096, 3000));
    }
}
