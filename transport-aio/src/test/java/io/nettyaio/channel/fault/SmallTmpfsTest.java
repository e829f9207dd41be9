package io.nettyaio.channel.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Proves {@link SmallTmpfs} with plain JDK I/O. Skipped, with the reason, when not root. */
@Timeout(60)
class SmallTmpfsTest {

    private static final int MIB = 1 << 20;

    private SmallTmpfs fs;
    private Path mountPoint;

    @BeforeEach
    void mount() throws IOException {
        String reason = SmallTmpfs.unavailableReason();
        Assumptions.assumeTrue(reason == null, reason);
        fs = new SmallTmpfs();
        mountPoint = fs.mountPoint();
        assertTrue(Harness.mounts().stream()
                .anyMatch(m -> m.mountPoint.equals(mountPoint.toString()) && m.fsType.equals("tmpfs")));
    }

    @AfterEach
    void unmount() throws IOException {
        if (fs != null) {
            fs.close();
            assertFalse(Harness.isMounted(mountPoint), "close() must leave no mount behind: " + Harness.mounts());
            assertFalse(Files.exists(mountPoint), "mount point removed");
        }
    }

    @Test
    void shouldFailWritingTwoMibWithNoSpaceLeftOnDevice() {
        Path big = mountPoint.resolve("big");
        IOException e = assertThrows(IOException.class, () -> Files.write(big, new byte[2 * MIB]));
        assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
    }

    @Test
    void shouldWriteShortThenFailWithEnospc() throws IOException {
        try (FileChannel ch = FileChannel.open(mountPoint.resolve("f"), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
            int n = ch.write(ByteBuffer.allocate(2 * MIB), 0);
            assertTrue(n > 0 && n <= MIB, "first write should be short: " + n);
            IOException e = assertThrows(IOException.class, () -> ch.write(ByteBuffer.allocate(4096), n));
            assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
            assertEquals(n, ch.size());
        }
    }
}
