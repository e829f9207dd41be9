package io.nettyaio.channel;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import io.nettyaio.linux.AioAbi;
import io.nettyaio.linux.IocbArray;
import io.nettyaio.linux.NativeLibrary;
import io.nettyaio.linux.NativeThread;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Per-request priority and RWF_DSYNC reach what each engine hands the kernel: the iocb (Linux AIO), the SQE
 * (io_uring), and the blocking thread's own priority plus a sync after the write (blocking lane).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class IoOptionsPlumbingTest {
    private static final AioRequestOptions IDLE_DSYNC = AioRequestOptions.DSYNC.withPriority(AioIoPriority.IDLE);
    private FileState file;
    private Path path;

    @BeforeEach
    void openFile() throws Exception {
        Assumptions.assumeTrue(NativeLibrary.isLoaded(), "the native binding is unavailable");
        path = ReliabilitySupport.file("io-options.dat");
        OpenOptions options = OpenOptions.parse(StandardOpenOption.READ, StandardOpenOption.WRITE,
                StandardOpenOption.CREATE);
        file = new FileState(path, NativeFileIo.open(path, options), null, ImmediateEventExecutor.INSTANCE, options,
                1, 1);
    }

    private IoRequest write(AioRequestOptions options, Promise<Integer> promise) {
        ByteBuf src = AioBuffers.directBuffer(4096, 4096).writeZero(4096);
        IoRequest r = IoRequest.newRequest(file, IoRequest.WRITE, src, null, 0, 4096, promise);
        r.ioOptions(file.ioPriority(options), options.rwFlags());
        return r;
    }

    @Test
    void shouldPutPriorityAndDsyncIntoTheIocb() throws Exception {
        IocbArray iocbs = new IocbArray(2);
        SlotTable slots = new SlotTable(iocbs, 42);
        Promise<Integer> promise = ImmediateEventExecutor.INSTANCE.newPromise();
        IoRequest r = write(IDLE_DSYNC, promise);
        try {
            long iocb = slots.prepare(r, ((NativeFileIo) file.io()).fd(), 0);
            int slot = iocbs.slotOf(iocb);
            assertEquals(AioAbi.RWF_NOWAIT | AioAbi.RWF_DSYNC, iocbs.rwFlags(slot));
            assertEquals(AioIoPriority.IDLE.value(), iocbs.priority(slot));
            assertTrue((iocbs.flags(slot) & AioAbi.IOCB_FLAG_IOPRIO) != 0, "IOCB_FLAG_IOPRIO set");
            assertEquals(42, iocbs.eventFd(slot));
        } finally {
            r.fail(new IllegalStateException("not submitted"));
            slots.free();
            file.io().close();
        }
    }

    /** What the submission policy counts after an io_submit: the completions of that submission's own requests. */
    @Test
    void shouldTellTheSubmissionASlotsRequestWentIn() throws Exception {
        IocbArray iocbs = new IocbArray(2);
        SlotTable slots = new SlotTable(iocbs, -1);
        IoRequest r = write(AioRequestOptions.DEFAULT, ImmediateEventExecutor.INSTANCE.newPromise());
        try {
            int slot = iocbs.slotOf(slots.prepare(r, ((NativeFileIo) file.io()).fd(), 7));
            assertTrue(slots.inSubmission(slot, 7));
            assertFalse(slots.inSubmission(slot, 6), "another submission");
            assertFalse(slots.inSubmission(1 - slot, 7), "a free slot");
            assertFalse(slots.inSubmission(-1, 7), "the wait's own iocbs (negative aio_data)");
            assertFalse(slots.inSubmission(2, 7), "past the table");
            slots.release(slot);
            assertFalse(slots.inSubmission(slot, 7), "released");
        } finally {
            r.fail(new IllegalStateException("not submitted"));
            slots.free();
            file.io().close();
        }
    }

    @Test
    void shouldPutPriorityAndDsyncIntoTheSqe() throws Exception {
        long[] seen = new long[2];
        IoUringRing ring = new IoUringRing() {
            @Override
            public long submit(byte opcode, int fd, long offset, long address, int length, int opFlags, short ioPrio,
                               short data) {
                seen[0] = opFlags;
                seen[1] = ioPrio;
                return 1;
            }

            @Override
            public void run(long waitNanos) {
            }

            @Override
            public void submitNow() {
            }

            @Override
            public void afterRun(Runnable action) {
                action.run();
            }

            @Override
            public boolean isDrivenByEngine() {
                return false;
            }
        };
        BlockingIoExecutor blocking = new BlockingIoExecutor("plumbing", 1);
        try {
            IoUringEngine engine = new IoUringEngine(ImmediateEventExecutor.INSTANCE, 4, ring, true, blocking);
            Promise<Integer> promise = ImmediateEventExecutor.INSTANCE.newPromise();
            engine.submit(write(IDLE_DSYNC, promise));
            assertEquals(AioAbi.RWF_DSYNC, seen[0]);
            assertEquals(AioIoPriority.IDLE.value(), seen[1]);
            engine.onCompletion(0, 4096);
            assertEquals(4096, promise.get(5, TimeUnit.SECONDS));
        } finally {
            blocking.shutdown();
            file.io().close();
        }
    }

    @Test
    void shouldRunTheBlockingThreadAtThePriorityAndSyncAfterADsyncWrite() throws Exception {
        short[] priorityDuringWrite = {-1};
        int[] syncs = {0};
        FileIo recording = new FileIo() {
            @Override
            public boolean isDirectory() {
                return false;
            }

            @Override
            public long size() {
                return 0;
            }

            @Override
            public int[] directAlignment() {
                return null;
            }

            @Override
            public long read(ByteBuf segment, int index, int length, long position) {
                return 0;
            }

            @Override
            public long write(ByteBuf segment, int index, int length, long position) throws java.io.IOException {
                priorityDuringWrite[0] = NativeThread.ioPriority();
                return length;
            }

            @Override
            public void sync(boolean metadata) {
                syncs[0]++;
            }

            @Override
            public void truncate(long size) {
            }

            @Override
            public void allocate(long position, long length) {
            }

            @Override
            public void close() {
            }
        };
        OpenOptions options = OpenOptions.parse(StandardOpenOption.WRITE);
        file.io().close();
        file = new FileState(path, recording, null, ImmediateEventExecutor.INSTANCE, options, 1, 1);
        BlockingIoExecutor blocking = new BlockingIoExecutor("plumbing", 1);
        try {
            BlockingEngine engine = new BlockingEngine(ImmediateEventExecutor.INSTANCE, blocking,
                    new AioMetrics(BlockingEngine.NAME), false);
            Promise<Integer> promise = ImmediateEventExecutor.INSTANCE.newPromise();
            engine.submit(write(IDLE_DSYNC, promise));
            assertEquals(4096, promise.get(5, TimeUnit.SECONDS));
            assertEquals(AioIoPriority.IDLE.value(), priorityDuringWrite[0], "the thread ran at idle priority");
            assertEquals(1, syncs[0], "fdatasync after the DSYNC write");
            short[] after = {-1};
            java.util.concurrent.CountDownLatch read = new java.util.concurrent.CountDownLatch(1);
            blocking.execute(() -> { // the pool's only thread, after the request
                try {
                    after[0] = NativeThread.ioPriority();
                } catch (java.io.IOException e) {
                    throw new AssertionError(e);
                } finally {
                    read.countDown();
                }
            });
            assertTrue(read.await(5, TimeUnit.SECONDS));
            assertNotEquals(AioIoPriority.IDLE.value(), after[0], "the thread's own priority is restored");
        } finally {
            blocking.shutdown();
        }
        Files.deleteIfExists(path);
    }
}
