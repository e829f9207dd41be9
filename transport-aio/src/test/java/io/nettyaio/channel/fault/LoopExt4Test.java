package io.nettyaio.channel.fault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Proves {@link LoopExt4} with plain JDK I/O. Skipped, with the reason, without root or a free loop device. */
@Timeout(60)
class LoopExt4Test {

    private LoopExt4 fs;
    private Path mountPoint;
    private String loopDevice;

    @BeforeEach
    void mount() throws IOException {
        String reason = LoopExt4.unavailableReason();
        Assumptions.assumeTrue(reason == null, reason);
        fs = new LoopExt4();
        mountPoint = fs.mountPoint();
        loopDevice = fs.loopDevice();
        assertTrue(Harness.mounts().stream()
                .anyMatch(m -> m.mountPoint.equals(mountPoint.toString()) && m.fsType.equals("ext4")
                        && m.source.equals(loopDevice)), Harness.mounts().toString());
    }

    @AfterEach
    void unmount() throws IOException {
        if (fs != null) {
            fs.close();
            assertFalse(Harness.isMounted(mountPoint), "close() must leave no mount behind: " + Harness.mounts());
            assertFalse(Files.exists(mountPoint), "mount point removed");
            // Detached: the device has no backing file any more (or, reused by someone else, not ours).
            Path backing = Paths.get("/sys/block", Paths.get(loopDevice).getFileName().toString(), "loop/backing_file");
            assertTrue(!Files.exists(backing) || !Files.readString(backing).contains(mountPoint.getFileName() + ".img"),
                    loopDevice + " still attached");
        }
    }

    @Test
    void shouldMakeReadsWritesFsyncAndOpenFailAfterShutdown() throws IOException {
        Path file = mountPoint.resolve("f.dat");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            assertEquals(65536, ch.write(ByteBuffer.wrap(FaultFsTest.pattern(65536, 5)), 0));
            ch.force(true);
            assertEquals(4096, ch.read(ByteBuffer.allocate(4096), 0));

            fs.shutdown();
            assertTrue(fs.isShutdown());
            // Even the page-cached range fails: ext4 refuses reads on a shut-down fs before looking at the cache.
            assertThrows(IOException.class, () -> ch.read(ByteBuffer.allocate(4096), 0));
            IOException e = assertThrows(IOException.class, () -> {
                ch.write(ByteBuffer.wrap(FaultFsTest.pattern(4096, 6)), 0);
                ch.force(true);
            });
            assertTrue(e.getMessage().contains("Input/output error"), e.getMessage());
        }
        assertThrows(IOException.class, () -> FileChannel.open(file, StandardOpenOption.READ).close());
        assertThrows(IOException.class, () -> Files.write(mountPoint.resolve("new.dat"), new byte[1]));
    }

    @Test
    void shouldKeepSyncedDataAndLoseUnsyncedDataAcrossAnArmedShutdownAndRemount() throws IOException {
        Path synced = mountPoint.resolve("synced.dat");
        Path unsynced = mountPoint.resolve("unsynced.dat");
        byte[] first = FaultFsTest.pattern(16384, 7);
        try (FileChannel dir = FileChannel.open(mountPoint, StandardOpenOption.READ);
             FileChannel ch = FileChannel.open(synced, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
             FileChannel other = FileChannel.open(unsynced, StandardOpenOption.CREATE_NEW,
                     StandardOpenOption.WRITE)) {
            assertEquals(first.length, ch.write(ByteBuffer.wrap(first), 0));
            ch.force(false);
            dir.force(true);
            try (LoopExt4.ArmedShutdown cut = fs.armShutdown()) {
                assertFalse(fs.isShutdown(), "arming alone shuts nothing down");
                // Page cache only: no fsync, so the cut must lose these
                ch.write(ByteBuffer.wrap(FaultFsTest.pattern(8192, 8)), first.length);
                other.write(ByteBuffer.wrap(FaultFsTest.pattern(8192, 9)), 0);
                cut.fire();
                assertTrue(fs.isShutdown());
            }
            assertThrows(IOException.class, () -> ch.force(false));
        }
        fs.remount();
        assertFalse(fs.isShutdown());
        assertTrue(Harness.isMounted(mountPoint));
        assertArrayEquals(first, Files.readAllBytes(synced), "what was synced survives, and nothing after it");
        assertTrue(!Files.exists(unsynced) || Files.size(unsynced) == 0, "unsynced data is gone");
        Files.write(mountPoint.resolve("after.dat"), new byte[4096]); // healthy again
    }

    @Test
    void shouldShutNothingDownWhenAnArmedShutdownIsClosedUnfired() throws IOException {
        LoopExt4.ArmedShutdown armed = fs.armShutdown();
        try {
            assertFalse(fs.isShutdown());
        } finally {
            armed.close();
        }
        Files.write(mountPoint.resolve("still-alive.dat"), new byte[4096]);
        fs.remount(); // the helper's open directory is closed: the unmount is not busy
        assertEquals(4096, Files.size(mountPoint.resolve("still-alive.dat")));
    }

    @Test
    void shouldEmulateA4knDiskWithSectorSize4096() throws IOException {
        try (LoopExt4 fourK = new LoopExt4(LoopExt4.DEFAULT_SIZE, 4096)) {
            String name = Paths.get(fourK.loopDevice()).getFileName().toString();
            assertEquals("4096", Files.readString(Paths.get("/sys/block", name, "queue/logical_block_size")).trim());
            assertEquals("1", Files.readString(Paths.get("/sys/block", name, "loop/dio")).trim());
            Files.write(fourK.mountPoint().resolve("f"), new byte[8192]);
            assertEquals(8192, Files.size(fourK.mountPoint().resolve("f")));
        }
    }

    @Test
    void shouldCleanUpEvenWhileAFileOnTheShutDownFilesystemIsOpen() throws IOException {
        FileChannel ch = FileChannel.open(mountPoint.resolve("g.dat"), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE);
        try {
            fs.shutdown();
            fs.close();
            assertFalse(Harness.isMounted(mountPoint));
        } finally {
            try {
                ch.close();
            } catch (IOException expected) {
                // closing on a shut-down ext4 may report EIO
            }
        }
    }
}
