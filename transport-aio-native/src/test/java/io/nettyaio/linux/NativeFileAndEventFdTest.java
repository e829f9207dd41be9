package io.nettyaio.linux;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NativeFileAndEventFdTest extends NativeTestSupport {

    @Test
    void shouldReportSizeAlignmentAndType() throws Exception {
        Path path = randomFile("stat.dat", 12345);
        try (NativeFile file = NativeFile.open(path.toString(), OpenFlags.RDWR | OpenFlags.DIRECT, 0)) {
            assertEquals(12345, file.size());
            assertTrue(file.isRegularFile());
            assertFalse(file.isDirectory());
            assertTrue(file.isDirect());
            assertTrue(file.isReadable() && file.isWritable());
            DioAlignment alignment = file.dioAlignment();
            assertTrue(alignment.isReported(), "ext4 under target/ reports STATX_DIOALIGN: " + alignment);
            assertTrue(Integer.bitCount(alignment.memoryAlignment()) == 1 && alignment.memoryAlignment() >= 1);
            assertTrue(Integer.bitCount(alignment.offsetAlignment()) == 1);
            file.truncate(8192);
            assertEquals(8192, file.size());
            file.allocate(0, 0, 65536);
            assertEquals(65536, file.size());
            file.allocate(NativeFile.FALLOC_FL_KEEP_SIZE, 65536, 65536);
            assertEquals(65536, file.size());
            file.fsync();
            file.fdatasync();
        }
        try (NativeFile dir = NativeFile.open(DIR.toString(), OpenFlags.RDONLY, 0)) {
            assertTrue(dir.isDirectory());
        }
    }

    @Test
    void shouldReadAndWriteSynchronously() throws Exception {
        Path path = DIR.resolve("sync.dat");
        Files.deleteIfExists(path);
        NativeMemory mem = NativeMemory.allocate(4096, 4096);
        try (NativeFile file = NativeFile.open(path.toString(), OpenFlags.RDWR | OpenFlags.CREAT | OpenFlags.EXCL,
                0600)) {
            fill(mem, "hello, aio".getBytes());
            assertEquals(10, file.pwrite(mem.address(), 10, 100));
            mem.zero(0, 4096);
            assertEquals(10, file.pread(mem.address(), 4096, 100));
            assertEquals("hello, aio", new String(bytes(mem, 0, 10)));
            assertEquals(0, file.pread(mem.address(), 4096, 1000));
        } finally {
            mem.free();
        }
    }

    @Test
    void shouldNameErrnoOperationAndPathWhenOpenFails() throws Exception {
        Path missing = DIR.resolve("no-such-file");
        Files.deleteIfExists(missing);
        NativeIoException e = assertThrows(NativeIoException.class,
                () -> NativeFile.open(missing.toString(), OpenFlags.RDONLY, 0));
        assertEquals(Errno.ENOENT, e.errno());
        assertEquals("ENOENT", e.errnoName());
        assertEquals("open", e.operation());
        assertTrue(e.getMessage().startsWith("open(..) failed with error(-2): No such file or directory [ENOENT]"),
                e.getMessage());
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
        NativeIoException isDir = assertThrows(NativeIoException.class,
                () -> NativeFile.open(DIR.toString(), OpenFlags.RDWR, 0));
        assertEquals("EISDIR", isDir.errnoName());
    }

    @Test
    void shouldCountEventFdSignalsAndWakeAPoller() throws Exception {
        try (EventFd efd = EventFd.open()) {
            assertEquals(0, efd.read());
            assertFalse(efd.awaitReadable(0));
            assertTrue(efd.signal());
            assertTrue(efd.signal());
            efd.write(3);
            assertTrue(efd.awaitReadable(0));
            assertEquals(5, efd.read());
            assertEquals(0, efd.read());

            CountDownLatch started = new CountDownLatch(1);
            Thread waker = new Thread(() -> {
                try {
                    started.await(10, TimeUnit.SECONDS);
                    efd.signal();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            waker.start();
            started.countDown();
            assertTrue(efd.awaitReadable(10_000), "a signal from another thread must wake poll");
            waker.join(10_000);
            assertEquals(1, efd.read());
            assertThrows(IllegalArgumentException.class, () -> efd.write(0));
        }
    }

    @Test
    void shouldPollAnyDescriptorWithATimeout() throws Exception {
        try (EventFd efd = EventFd.open()) {
            long start = System.nanoTime();
            assertEquals(0, Poll.await(efd.fd(), Poll.POLLIN, 50), "nothing to read: times out");
            assertTrue(System.nanoTime() - start >= 40_000_000L, "waited the timeout");
            assertEquals(Poll.POLLOUT, Poll.await(efd.fd(), Poll.POLLOUT, 0), "an eventfd can be written");
            efd.signal();
            assertEquals(Poll.POLLIN, Poll.await(efd.fd(), Poll.POLLIN, 1000));
            assertEquals(1, efd.read());
        }
        assertEquals(0x20, Poll.await(1_000_000, Poll.POLLIN, 0), "a descriptor that is not open: POLLNVAL");
    }

    @Test
    void shouldMakeATimerFdReadableAtItsDeadlineAndRearmIt() throws Exception {
        long before = NativeResources.openTimerFds();
        try (TimerFd timer = TimerFd.open()) {
            assertEquals(before + 1, NativeResources.openTimerFds());
            assertEquals(0, Poll.await(timer.fd(), Poll.POLLIN, 0), "disarmed: not readable");
            assertEquals(0, timer.read(), "no expiry yet (EAGAIN)");

            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
            timer.armAt(deadline);
            assertEquals(Poll.POLLIN, Poll.await(timer.fd(), Poll.POLLIN, 10_000), "readable once the deadline passed");
            assertTrue(System.nanoTime() - deadline >= 0, "not before its deadline (CLOCK_MONOTONIC = nanoTime)");
            assertEquals(1, timer.read());
            assertEquals(0, Poll.await(timer.fd(), Poll.POLLIN, 0), "read resets it");

            timer.armAt(System.nanoTime() + TimeUnit.SECONDS.toNanos(60));
            timer.armAt(System.nanoTime() - 1); // replaces the far deadline; one in the past fires at once
            assertEquals(Poll.POLLIN, Poll.await(timer.fd(), Poll.POLLIN, 10_000));
            assertEquals(1, timer.read());
        }
        assertEquals(before, NativeResources.openTimerFds(), "closed");
    }

    @Test
    void shouldIgnoreSignalAfterClose() throws Exception {
        EventFd efd = EventFd.open();
        efd.close();
        assertTrue(efd.isClosed());
        assertFalse(efd.signal());
        efd.close();
    }

    @Test
    void shouldNameErrnosAndReportAvailability() {
        assertEquals("EAGAIN", Errno.name(11));
        assertEquals("EAGAIN", Errno.name(-11));
        assertEquals("ECANCELED", Errno.name(125));
        assertEquals("errno 999", Errno.name(999));
        assertTrue(LinuxAio.isAvailable(), () -> "AIO must work on the CI machine: " + LinuxAio.unavailabilityCause());
        assertNull(LinuxAio.unavailabilityCause());
        NativeIoException e = new NativeIoException("io_submit", -11);
        assertEquals("io_submit(..) failed with error(-11): Resource temporarily unavailable [EAGAIN]", e.getMessage());
    }

    @Test
    void shouldSayWhichAioLimitRefusedIoSetup() {
        assertEquals("asked for 65536 events, but only 65024 of fs.aio-max-nr are free: /proc/sys/fs/aio-nr = 512 in "
                + "use, /proc/sys/fs/aio-max-nr = 65536 (ask for at most 65024, or raise it with: sysctl -w "
                + "fs.aio-max-nr=1048576)", Native.ioSetupEagain(65536, "512", "65536"));
        assertEquals("asked for 70000 events, more than the system-wide limit fs.aio-max-nr allows for all contexts "
                + "together: /proc/sys/fs/aio-nr = 0 in use, /proc/sys/fs/aio-max-nr = 65536 (ask for at most 65536, "
                + "or raise it with: sysctl -w fs.aio-max-nr=1048576)", Native.ioSetupEagain(70000, "0", "65536"));
        assertEquals("asked for 8 events; the system-wide limit fs.aio-max-nr is exhausted, none are free: "
                + "/proc/sys/fs/aio-nr = 2000000 in use, /proc/sys/fs/aio-max-nr = 2000000 (contexts of this or other "
                + "processes hold them all; raise it with: sysctl -w fs.aio-max-nr=2000008)",
                Native.ioSetupEagain(8, "2000000", "2000000"));
        assertTrue(Native.ioSetupEagain(8, "100", "65536").contains("65436 of fs.aio-max-nr are free now, but were "
                + "not at the call"), Native.ioSetupEagain(8, "100", "65536"));
        assertTrue(Native.ioSetupEagain(8, "unreadable (x)", "65536").contains("may be exhausted"));
    }

    @Test
    void shouldRejectBadMemoryArguments() {
        assertEquals("size: 0 (expected: 1..2147483647)",
                assertThrows(IllegalArgumentException.class, () -> NativeMemory.allocate(0, 64)).getMessage());
        assertEquals("alignment: 24 (expected: a power of two >= 8)",
                assertThrows(IllegalArgumentException.class, () -> NativeMemory.allocate(64, 24)).getMessage());
        NativeMemory m = NativeMemory.allocate(100, 4096);
        assertEquals(0, m.address() % 4096);
        assertEquals(0, m.buffer().getLong(92));
        m.free();
        m.free();
        assertTrue(m.isFreed());
    }
}
