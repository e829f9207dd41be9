package io.nettyaio.linux;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AioContextTest extends NativeTestSupport {
    private static final int BLOCK = 4096;

    @Test
    void shouldRoundTripDirectWriteAndRead() throws Exception {
        Path path = DIR.resolve("roundtrip.dat");
        Files.deleteIfExists(path);
        byte[] data = new byte[BLOCK * 4];
        new java.util.Random(42).nextBytes(data);
        try (NativeFile file = NativeFile.open(path.toString(), OpenFlags.RDWR | OpenFlags.CREAT | OpenFlags.DIRECT,
                0644);
             AioContext ctx = AioContext.open(8)) {
            file.truncate(data.length); // preallocate, so the O_DIRECT write does not extend the file
            NativeMemory out = NativeMemory.allocate(data.length, 4096);
            NativeMemory in = NativeMemory.allocate(data.length, 4096);
            IocbArray iocbs = new IocbArray(2);
            SubmissionQueue queue = new SubmissionQueue(ctx, 2);
            try {
                fill(out, data);
                iocbs.preparePwrite(0, file.fd(), out.address(), data.length, 0);
                queue.add(iocbs.address(0));
                assertEquals(1, queue.submit(failOnError()));
                long[] res = new long[2];
                awaitEvents(ctx, 1, (d, o, r, r2) -> res[(int) d] = r);
                assertEquals(data.length, res[0]);

                iocbs.preparePread(1, file.fd(), in.address(), data.length, 0);
                queue.add(iocbs.address(1));
                assertEquals(1, queue.submit(failOnError()));
                awaitEvents(ctx, 1, (d, o, r, r2) -> res[(int) d] = r);
                assertEquals(data.length, res[1]);
                assertArrayEquals(data, bytes(in, 0, data.length));
                assertArrayEquals(data, Files.readAllBytes(path));
            } finally {
                queue.free();
                iocbs.free();
                out.free();
                in.free();
            }
        }
    }

    @Test
    void shouldPushTenThousandRequestsThroughSmallContextWithNothingLostOrDuplicated() throws Exception {
        int requests = 10_000;
        int blocks = 256;
        Path path = randomFile("many.dat", blocks * BLOCK);
        byte[] expected = Files.readAllBytes(path);
        try (NativeFile file = NativeFile.open(path.toString(), OpenFlags.RDONLY | OpenFlags.DIRECT, 0);
             AioContext ctx = AioContext.open(32)) {
            int slots = 64; // more slots than the context guarantees: the queue has to keep a remainder
            IocbArray iocbs = new IocbArray(slots);
            SubmissionQueue queue = new SubmissionQueue(ctx, slots);
            NativeMemory mem = NativeMemory.allocate((long) slots * BLOCK, 4096);
            int[] requestOfSlot = new int[slots];
            int[] free = new int[slots];
            int[] freeCount = {0};
            for (int i = 0; i < slots; i++) {
                free[freeCount[0]++] = i;
            }
            BitSet done = new BitSet(requests);
            int[] duplicates = {0};
            int[] mismatches = {0};
            try {
                int next = 0;
                int completed = 0;
                long deadline = System.nanoTime() + 50_000_000_000L;
                while (completed < requests) {
                    while (freeCount[0] > 0 && next < requests) {
                        int slot = free[--freeCount[0]];
                        requestOfSlot[slot] = next;
                        int block = next % blocks;
                        iocbs.preparePread(slot, file.fd(), mem.address() + (long) slot * BLOCK, BLOCK,
                                (long) block * BLOCK);
                        queue.add(iocbs.address(slot));
                        next++;
                    }
                    queue.submit(failOnError());
                    completed += awaitSome(ctx, (data, obj, res, res2) -> {
                        int slot = (int) data;
                        assertEquals(iocbs.address(slot), obj);
                        assertEquals(BLOCK, res);
                        int request = requestOfSlot[slot];
                        if (done.get(request)) {
                            duplicates[0]++;
                        }
                        done.set(request);
                        int block = request % blocks;
                        if (!Arrays.equals(bytes(mem, slot * BLOCK, BLOCK),
                                Arrays.copyOfRange(expected, block * BLOCK, (block + 1) * BLOCK))) {
                            mismatches[0]++;
                        }
                        free[freeCount[0]++] = slot;
                    });
                    assertTrue(System.nanoTime() < deadline, "timed out at " + completed);
                }
                assertEquals(requests, done.cardinality());
                assertEquals(0, duplicates[0]);
                assertEquals(0, mismatches[0]);
            } finally {
                queue.free();
                iocbs.free();
                mem.free();
            }
        }
    }

    /** Reaps from the ring, waiting on io_getevents only when nothing is ready yet. */
    private static int awaitSome(AioContext ctx, CompletionHandler handler) throws Exception {
        int n = ctx.reap(handler, Integer.MAX_VALUE);
        if (n > 0) {
            return n;
        }
        IoEventArray one = new IoEventArray(1);
        try {
            int k = ctx.getEvents(one, 1, 1, 1_000_000_000L);
            for (int i = 0; i < k; i++) {
                handler.onCompletion(one.data(i), one.obj(i), one.res(i), one.res2(i));
            }
            return k;
        } finally {
            one.free();
        }
    }

    @Test
    void shouldResubmitRemainderWhenContextIsFull() throws Exception {
        int requests = 1000;
        try (AioContext ctx = AioContext.open(1)) {
            IocbArray iocbs = new IocbArray(requests);
            SubmissionQueue queue = new SubmissionQueue(ctx, requests);
            NativeMemory mem = NativeMemory.allocate(BLOCK, 4096);
            EventFd efd = EventFd.open();
            try {
                // POLL on an eventfd never completes until it is signalled: the context fills up for sure
                for (int i = 0; i < requests; i++) {
                    iocbs.prepare(i, AioAbi.IOCB_CMD_POLL, efd.fd(), 0, 0, 0);
                    iocbs.setBuffer(i, Native.POLLIN, 0);
                    queue.add(iocbs.address(i));
                }
                int first = queue.submit(failOnError());
                assertTrue(first >= 1 && first < requests, "accepted " + first);
                assertTrue(queue.isContextFull());
                assertEquals(requests - first, queue.pending());
                assertTrue(queue.eagains() >= 1);

                BitSet seen = new BitSet(requests);
                int reaped = 0;
                efd.write(1); // completes every submitted POLL
                long deadline = System.nanoTime() + 30_000_000_000L;
                while (reaped < requests) {
                    reaped += awaitSome(ctx, (data, obj, res, res2) -> {
                        assertFalse(seen.get((int) data), "duplicate event for " + data);
                        seen.set((int) data);
                    });
                    queue.submit(failOnError());
                    assertTrue(System.nanoTime() < deadline, "timed out at " + reaped);
                }
                assertEquals(requests, seen.cardinality());
                assertEquals(0, queue.pending());
            } finally {
                queue.free();
                iocbs.free();
                mem.free();
                efd.close();
            }
        }
    }

    @Test
    void shouldReportBadRequestInTheMiddleOfBatchAloneAndSubmitTheRest() throws Exception {
        Path path = randomFile("badmiddle.dat", 4 * BLOCK);
        try (NativeFile file = NativeFile.open(path.toString(), OpenFlags.RDONLY, 0);
             AioContext ctx = AioContext.open(8)) {
            IocbArray iocbs = new IocbArray(3);
            SubmissionQueue queue = new SubmissionQueue(ctx, 3);
            NativeMemory mem = NativeMemory.allocate(3L * BLOCK, 4096);
            try {
                iocbs.preparePread(0, file.fd(), mem.address(), BLOCK, 0);
                iocbs.preparePread(1, 100_000, mem.address() + BLOCK, BLOCK, 0); // EBADF
                iocbs.preparePread(2, file.fd(), mem.address() + 2 * BLOCK, BLOCK, BLOCK);
                for (int i = 0; i < 3; i++) {
                    queue.add(iocbs.address(i));
                }
                List<String> errors = new ArrayList<>();
                int submitted = queue.submit((iocb, e) -> errors.add(iocbs.slotOf(iocb) + ":" + e.errnoName()));
                assertEquals(2, submitted);
                assertEquals(List.of("1:EBADF"), errors);
                long[] res = {-1, -1, -1};
                awaitEvents(ctx, 2, (d, o, r, r2) -> res[(int) d] = r);
                assertEquals(BLOCK, res[0]);
                assertEquals(-1, res[1]);
                assertEquals(BLOCK, res[2]);
            } finally {
                queue.free();
                iocbs.free();
                mem.free();
            }
        }
    }

    @Test
    void shouldSignalEventFdOncePerCompletionAndAgreeBetweenRingAndGetevents() throws Exception {
        int n = 32;
        Path path = randomFile("efd.dat", n * BLOCK);
        try (NativeFile file = NativeFile.open(path.toString(), OpenFlags.RDONLY | OpenFlags.DIRECT, 0);
             AioContext ctx = AioContext.open(n);
             EventFd efd = EventFd.open()) {
            // The ring is usable on this kernel; the no-ring-reaping execution forces io_getevents instead
            assertEquals(!Boolean.getBoolean(AioContext.NO_RING_REAPING_PROP_NAME), ctx.usesRingReaping());
            IocbArray iocbs = new IocbArray(n);
            SubmissionQueue queue = new SubmissionQueue(ctx, n);
            NativeMemory mem = NativeMemory.allocate((long) n * BLOCK, 4096);
            try {
                long[][] results = new long[2][n];
                for (int round = 0; round < 2; round++) {
                    for (int i = 0; i < n; i++) {
                        iocbs.preparePread(i, file.fd(), mem.address() + (long) i * BLOCK, BLOCK, (long) i * BLOCK);
                        iocbs.setEventFd(i, efd.fd());
                        queue.add(iocbs.address(i));
                    }
                    assertEquals(n, queue.submit(failOnError()));
                    long signalled = 0;
                    int reaped = 0;
                    long deadline = System.nanoTime() + 30_000_000_000L;
                    final int r = round;
                    while (reaped < n) {
                        assertTrue(System.nanoTime() < deadline);
                        if (efd.awaitReadable(1000)) {
                            signalled += efd.read();
                        }
                        if (round == 0) {
                            reaped += ctx.reap((d, o, res, r2) -> results[r][(int) d] = res, n);
                        } else {
                            IoEventArray events = new IoEventArray(n);
                            try {
                                int k = ctx.getEvents(events, 0, n, 0);
                                for (int i = 0; i < k; i++) {
                                    results[r][(int) events.data(i)] = events.res(i);
                                }
                                reaped += k;
                            } finally {
                                events.free();
                            }
                        }
                    }
                    signalled += efd.read();
                    assertEquals(n, signalled, "eventfd counter sum must equal the completions");
                }
                long[] expected = new long[n];
                Arrays.fill(expected, BLOCK);
                assertArrayEquals(expected, results[0]);
                assertArrayEquals(results[0], results[1]);
            } finally {
                queue.free();
                iocbs.free();
                mem.free();
            }
        }
    }

    /**
     * What the channel's submission policy asks after each io_submit: how many of <em>that</em> submission's requests
     * completed, told apart from earlier ones by their user data, across the ring's wrap-around.
     */
    @Test
    void shouldCountTheEventsSinceATailThatTheFilterAccepts() throws Exception {
        int n = 4;
        Path path = randomFile("count.dat", 2 * n * BLOCK);
        NativeMemory mem = NativeMemory.allocate(2L * n * BLOCK, 4096);
        IocbArray iocbs = new IocbArray(2 * n);
        try {
            // The context closes (io_destroy waits for what is in flight) before the memory the reads go to is freed
            try (NativeFile file = NativeFile.open(path.toString(), OpenFlags.RDONLY | OpenFlags.DIRECT, 0);
                 AioContext ctx = AioContext.open(2 * n);
                 EventFd efd = EventFd.open()) {
                if (!ctx.usesRingReaping()) {
                    assertEquals(-1, ctx.ringTail());
                    assertEquals(0, ctx.countEventsSince(-1, d -> true));
                    return;
                }
                SubmissionQueue queue = new SubmissionQueue(ctx, 2 * n);
                try {
                    // Enough rounds for the tail to wrap around the ring twice, whatever its size on this machine
                    int rounds = 2 * ctx.ringSize() / (2 * n) + 2;
                    int wraps = 0;
                    for (int round = 0; round < rounds; round++) {
                        int firstTail = ctx.ringTail();
                        submitReads(file, iocbs, queue, mem, efd, 0, n, round * 1000);
                        awaitSignals(efd, n);
                        int secondTail = ctx.ringTail();
                        submitReads(file, iocbs, queue, mem, efd, n, n, round * 1000 + 500);
                        awaitSignals(efd, n);
                        if (ctx.ringTail() < firstTail) {
                            wraps++;
                        }
                        long first = round * 1000L;
                        long second = first + 500;
                        String where = "round " + round + ", tails " + firstTail + " and " + secondTail;
                        assertEquals(n, ctx.countEventsSince(firstTail, d -> d >= first && d < first + n), where);
                        assertEquals(2 * n, ctx.countEventsSince(firstTail, d -> d >= first), where);
                        assertEquals(n, ctx.countEventsSince(secondTail, d -> d >= second), where);
                        assertEquals(0, ctx.countEventsSince(secondTail, d -> d < second), where);
                        assertEquals(0, ctx.countEventsSince(ctx.ringTail(), d -> true), where);
                        assertEquals(0, ctx.countEventsSince(-1, d -> true));
                        assertEquals(2 * n, ctx.readyEvents(), "counting reaps nothing");
                        assertEquals(2 * n, ctx.reap((d, o, res, r2) -> assertEquals(BLOCK, res), 2 * n));
                    }
                    assertTrue(wraps >= 2, "the tail wrapped " + wraps + " times in " + rounds + " rounds");
                    for (int bad : new int[] {-2, ctx.ringSize()}) {
                        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                                () -> ctx.countEventsSince(bad, d -> true));
                        assertEquals("tail: " + bad + " (expected: -1 or 0.." + (ctx.ringSize() - 1) + ")",
                                e.getMessage());
                    }
                } finally {
                    queue.free();
                }
                ctx.close();
                assertEquals(-1, ctx.ringTail(), "closed");
                assertEquals(0, ctx.countEventsSince(0, d -> true), "closed");
                assertEquals(0, ctx.readyEvents(), "closed");
            }
        } finally {
            iocbs.free();
            mem.free();
        }
    }

    private static void submitReads(NativeFile file, IocbArray iocbs, SubmissionQueue queue, NativeMemory mem,
                                    EventFd efd, int firstSlot, int count, long firstData) throws Exception {
        for (int i = firstSlot; i < firstSlot + count; i++) {
            iocbs.preparePread(i, file.fd(), mem.address() + (long) i * BLOCK, BLOCK, (long) i * BLOCK);
            iocbs.setEventFd(i, efd.fd());
            iocbs.setUserData(i, firstData + i - firstSlot);
            queue.add(iocbs.address(i));
        }
        assertEquals(count, queue.submit(failOnError()));
    }

    /** Waits until the eventfd has counted {@code n} completions (in the ring, not reaped). */
    private static void awaitSignals(EventFd efd, long n) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        long signalled = 0;
        while (signalled < n) {
            assertTrue(System.nanoTime() < deadline, "timed out: " + signalled + " of " + n + " completions");
            if (efd.awaitReadable(1000)) {
                signalled += efd.read();
            }
        }
        assertEquals(n, signalled);
    }

    @Test
    void shouldDoVectoredIoAndSyncThroughAio() throws Exception {
        Path path = DIR.resolve("vectored.dat");
        Files.deleteIfExists(path);
        try (NativeFile file = NativeFile.open(path.toString(), OpenFlags.RDWR | OpenFlags.CREAT | OpenFlags.DIRECT,
                0644);
             AioContext ctx = AioContext.open(4)) {
            file.truncate(3 * BLOCK);
            NativeMemory src = NativeMemory.allocate(3L * BLOCK, 4096);
            NativeMemory dst = NativeMemory.allocate(3L * BLOCK, 4096);
            IovecArray iov = new IovecArray(3);
            IocbArray iocbs = new IocbArray(4);
            SubmissionQueue queue = new SubmissionQueue(ctx, 4);
            try {
                byte[] data = new byte[3 * BLOCK];
                new java.util.Random(7).nextBytes(data);
                fill(src, data);
                // segments in reverse memory order: the file must get segment order, not memory order
                iov.set(0, src.address() + 2L * BLOCK, BLOCK);
                iov.set(1, src.address() + BLOCK, BLOCK);
                iov.set(2, src.address(), BLOCK);
                iocbs.preparePwritev(0, file.fd(), iov.address(), 3, 0);
                queue.add(iocbs.address(0));
                queue.submit(failOnError());
                long[] res = new long[4];
                awaitEvents(ctx, 1, (d, o, r, r2) -> res[(int) d] = r);
                assertEquals(3 * BLOCK, res[0]);
                byte[] onDisk = Files.readAllBytes(path);
                assertArrayEquals(Arrays.copyOfRange(data, 2 * BLOCK, 3 * BLOCK), Arrays.copyOfRange(onDisk, 0, BLOCK));
                assertArrayEquals(Arrays.copyOfRange(data, 0, BLOCK), Arrays.copyOfRange(onDisk, 2 * BLOCK, 3 * BLOCK));

                iov.set(0, dst.address(), BLOCK);
                iov.set(1, dst.address() + BLOCK, 2L * BLOCK);
                iocbs.preparePreadv(1, file.fd(), iov.address(), 2, 0);
                iocbs.prepareFsync(2, file.fd());
                iocbs.prepareFdsync(3, file.fd());
                queue.add(iocbs.address(1));
                queue.add(iocbs.address(2));
                queue.add(iocbs.address(3));
                assertEquals(3, queue.submit(failOnError()));
                awaitEvents(ctx, 3, (d, o, r, r2) -> res[(int) d] = r);
                assertEquals(3 * BLOCK, res[1]);
                assertEquals(0, res[2]);
                assertEquals(0, res[3]);
                assertArrayEquals(onDisk, bytes(dst, 0, 3 * BLOCK));
            } finally {
                queue.free();
                iocbs.free();
                iov.free();
                src.free();
                dst.free();
            }
        }
    }

    @Test
    void shouldReportErrorsWithTheDocumentedErrno() throws Exception {
        Path path = randomFile("errors.dat", 10_000);
        try (NativeFile ro = NativeFile.open(path.toString(), OpenFlags.RDONLY, 0);
             NativeFile direct = NativeFile.open(path.toString(), OpenFlags.RDONLY | OpenFlags.DIRECT, 0);
             AioContext ctx = AioContext.open(8)) {
            NativeMemory mem = NativeMemory.allocate(4L * BLOCK, 4096);
            IocbArray iocbs = new IocbArray(8);
            SubmissionQueue queue = new SubmissionQueue(ctx, 8);
            try {
                List<String> submitErrors = new ArrayList<>();
                SubmitErrorHandler record = (iocb, e) -> submitErrors.add(iocbs.slotOf(iocb) + ":" + e.errnoName()
                        + ":" + e.operation());
                // submit-time errors
                // a descriptor no process has open (a closed one's number may be reused by another thread at once)
                int closedFd = 999_999;
                iocbs.preparePread(0, closedFd, mem.address(), BLOCK, 0);
                iocbs.preparePwrite(1, ro.fd(), mem.address(), BLOCK, 0);
                queue.add(iocbs.address(0));
                queue.add(iocbs.address(1));
                assertEquals(0, queue.submit(record));
                assertEquals(List.of("0:EBADF:io_submit", "1:EBADF:io_submit"), submitErrors);

                // errors in the event: misaligned O_DIRECT address, offset, length; read at and past EOF
                iocbs.preparePread(2, direct.fd(), mem.address() + 1, BLOCK, 0);
                iocbs.preparePread(3, direct.fd(), mem.address(), BLOCK, 100);
                iocbs.preparePread(4, direct.fd(), mem.address(), 1000, 0);
                iocbs.preparePread(5, direct.fd(), mem.address(), BLOCK, 3 * BLOCK);
                iocbs.preparePread(6, ro.fd(), mem.address() + BLOCK, BLOCK, 8192);
                for (int i = 2; i <= 6; i++) {
                    queue.add(iocbs.address(i));
                }
                assertEquals(5, queue.submit(record));
                long[] res = new long[8];
                awaitEvents(ctx, 5, (d, o, r, r2) -> res[(int) d] = r);
                assertEquals(-Errno.EINVAL, res[2], "misaligned address");
                assertEquals(-Errno.EINVAL, res[3], "misaligned offset");
                assertEquals(-Errno.EINVAL, res[4], "misaligned length");
                assertEquals(0, res[5], "read past EOF");
                assertEquals(10_000 - 8192, res[6], "short read up to EOF");
            } finally {
                queue.free();
                iocbs.free();
                mem.free();
            }
        }
    }

    @Test
    void shouldDestroyContextWithRequestsInFlight() throws Exception {
        int n = 64;
        Path path = randomFile("destroy.dat", n * BLOCK);
        NativeFile file = NativeFile.open(path.toString(), OpenFlags.RDONLY | OpenFlags.DIRECT, 0);
        AioContext ctx = AioContext.open(n);
        IocbArray iocbs = new IocbArray(n);
        SubmissionQueue queue = new SubmissionQueue(ctx, n);
        NativeMemory mem = NativeMemory.allocate((long) n * BLOCK, 4096);
        try {
            for (int i = 0; i < n; i++) {
                iocbs.preparePread(i, file.fd(), mem.address() + (long) i * BLOCK, BLOCK, (long) i * BLOCK);
                queue.add(iocbs.address(i));
            }
            assertEquals(n, queue.submit(failOnError()));
            ctx.close(); // waits for the in-flight reads; afterwards the kernel touches no buffer
            assertTrue(ctx.isClosed());
            ctx.close(); // idempotent
            assertThrows(IllegalStateException.class, () -> ctx.reap((a, b, c, d) -> { }, 1));
        } finally {
            queue.free();
            iocbs.free();
            mem.free();
            file.close();
        }
    }

    @Test
    void shouldNotCancelFileReads() throws Exception {
        Path path = randomFile("cancel.dat", 256 * BLOCK);
        try (NativeFile file = NativeFile.open(path.toString(), OpenFlags.RDONLY | OpenFlags.DIRECT, 0);
             AioContext ctx = AioContext.open(4)) {
            IocbArray iocbs = new IocbArray(1);
            SubmissionQueue queue = new SubmissionQueue(ctx, 1);
            NativeMemory mem = NativeMemory.allocate(256L * BLOCK, 4096);
            try {
                iocbs.preparePread(0, file.fd(), mem.address(), 256L * BLOCK, 0);
                queue.add(iocbs.address(0));
                queue.submit(failOnError());
                assertEquals(CancelResult.NOT_CANCELLABLE, ctx.cancel(iocbs.address(0)));
                long[] res = {0};
                awaitEvents(ctx, 1, (d, o, r, r2) -> res[0] = r);
                assertEquals(256L * BLOCK, res[0]);
            } finally {
                queue.free();
                iocbs.free();
                mem.free();
            }
        }
    }

    @Test
    void shouldRejectBadArguments() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AioContext.open(0));
        assertEquals("capacity: 0 (expected: 1..4194304)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new IocbArray(0));
        assertThrows(IllegalArgumentException.class, () -> new IovecArray(1025));
        IocbArray iocbs = new IocbArray(2);
        try {
            IndexOutOfBoundsException oob = assertThrows(IndexOutOfBoundsException.class,
                    () -> iocbs.preparePread(2, 0, 0, 0, 0));
            assertEquals("slot: 2 (expected: 0..1)", oob.getMessage());
            assertThrows(IllegalArgumentException.class, () -> iocbs.slotOf(iocbs.address(1) + 8));
        } finally {
            iocbs.free();
        }
    }

    @Test
    void shouldLayOutIocbAsTheKernelAbiSays() {
        IocbArray iocbs = new IocbArray(2);
        try {
            iocbs.preparePwrite(1, 7, 0x1000, 4096, 8192);
            iocbs.setEventFd(1, 9);
            iocbs.setPriority(1, AioAbi.ioprio(AioAbi.IOPRIO_CLASS_BE, 4));
            iocbs.setRwFlags(1, AioAbi.RWF_NOWAIT);
            iocbs.setUserData(1, 0xdeadbeefL);
            assertEquals(iocbs.address(0) + 64, iocbs.address(1));
            assertEquals(0xdeadbeefL, iocbs.userData(1));
            assertEquals(AioAbi.IOCB_CMD_PWRITE, iocbs.opcode(1));
            assertEquals(7, iocbs.fd(1));
            assertEquals(0x1000, iocbs.bufferAddress(1));
            assertEquals(4096, iocbs.length(1));
            assertEquals(8192, iocbs.offset(1));
            assertEquals(AioAbi.IOCB_FLAG_RESFD | AioAbi.IOCB_FLAG_IOPRIO, iocbs.flags(1));
            assertEquals(9, iocbs.eventFd(1));
            assertEquals(AioAbi.RWF_NOWAIT, iocbs.rwFlags(1));
            assertEquals((short) (2 << 13 | 4), iocbs.priority(1));
            iocbs.preparePread(1, 3, 0, 1, 0); // prepare clears what the previous request set
            assertEquals(0, iocbs.flags(1));
            assertEquals(0, iocbs.rwFlags(1));
            assertEquals(1, iocbs.userData(1));
        } finally {
            iocbs.free();
        }
    }

    static SubmitErrorHandler failOnError() {
        return (iocb, e) -> fail("unexpected submit error: " + e);
    }

    /**
     * io_getevents's fifth argument, the timeout, must reach the kernel: with nothing in flight, a wait for one event
     * returns none once the timeout has passed. Through jnr-ffi's fast stub for six integer arguments it arrived as
     * an address inside code, read as a timespec of garbage: the wait ignored it (a 500 ms loop stall with a slow
     * FUSE file in flight).
     */
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldReturnNoEventWhenTheTimeoutPasses() throws Exception {
        try (AioContext ctx = AioContext.open(4)) {
            IoEventArray events = new IoEventArray(4);
            try {
                for (long timeoutMillis : new long[]{0, 50, 200}) {
                    long start = System.nanoTime();
                    int n = ctx.getEvents(events, 1, 4, TimeUnit.MILLISECONDS.toNanos(timeoutMillis));
                    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                    assertEquals(0, n, "events with nothing in flight");
                    assertTrue(tookMillis >= timeoutMillis - 1, "returned after " + tookMillis + " ms, before the "
                            + timeoutMillis + " ms timeout");
                    assertTrue(tookMillis < timeoutMillis + 10_000, "returned after " + tookMillis + " ms");
                }
            } finally {
                events.free();
            }
        }
    }
}
