package io.nettyaio.channel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.nettyaio.linux.Errno;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.OpenOption;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import static io.nettyaio.channel.ResultClassifier.CONTINUE;
import static io.nettyaio.channel.ResultClassifier.FAILED;
import static io.nettyaio.channel.ResultClassifier.NOWAIT_UNSUPPORTED;
import static io.nettyaio.channel.ResultClassifier.SETTLED;
import static io.nettyaio.channel.ResultClassifier.TO_BLOCKING;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The request router and the result classifier alone: pure decisions over a request and a result. */
class RouterAndClassifierTest {
    private final List<IoRequest> requests = new ArrayList<>();
    private final List<ByteBuf> buffers = new ArrayList<>();

    @AfterEach
    void releaseAll() {
        for (IoRequest r : requests) {
            r.fail(new IllegalStateException("test over")); // releases the buffer
        }
        for (ByteBuf b : buffers) {
            b.release();
        }
    }

    private static FileState file(OpenOption... options) {
        boolean direct = false;
        for (OpenOption o : options) {
            direct |= o == AioOpenOption.DIRECT;
        }
        int alignment = direct ? 4096 : 1;
        return new FileState(Paths.get("unit.dat"), null, null, ImmediateEventExecutor.INSTANCE,
                OpenOptions.parse(options), alignment, alignment);
    }

    private IoRequest request(FileState file, byte kind, int length) {
        ByteBuf buf = null;
        if (kind <= IoRequest.WRITE) {
            buf = kind == IoRequest.WRITE ? Unpooled.directBuffer(length).writeZero(length)
                    : Unpooled.directBuffer(length);
            buffers.add(buf.retain()); // ours; the request holds the other reference
        }
        IoRequest r = IoRequest.newRequest(file, kind, buf, null, 0, kind <= IoRequest.WRITEV ? length : 0,
                ImmediateEventExecutor.INSTANCE.newPromise());
        requests.add(r);
        return r;
    }

    @Test
    void shouldSettleAReadThatGotEverythingOrEndOfFile() {
        IoRequest r = request(file(), IoRequest.READ, 4096);
        assertEquals(SETTLED, ResultClassifier.classify(r, 4096, false));
        assertEquals(SETTLED, ResultClassifier.classify(r, 0, false));
        assertEquals(SETTLED, ResultClassifier.classify(r, 100, false), "a plain read may be short");
    }

    @Test
    void shouldSendTheRestOfAShortBufferedNowaitReadToABlockingThread() {
        IoRequest r = request(file(), IoRequest.READ, 4096);
        assertEquals(TO_BLOCKING, ResultClassifier.classify(r, 100, true));
        assertEquals(TO_BLOCKING, ResultClassifier.classify(r, -Errno.EAGAIN, true));
        assertEquals(NOWAIT_UNSUPPORTED, ResultClassifier.classify(r, -Errno.EOPNOTSUPP, true));
        assertEquals(FAILED, ResultClassifier.classify(r, -Errno.EAGAIN, false), "EAGAIN without NOWAIT is real");
        assertEquals(FAILED, ResultClassifier.classify(r, -Errno.EIO, true));
    }

    @Test
    void shouldContinueReadFullyOnlyWhileTheDirectRestStaysAligned() {
        IoRequest buffered = request(file(), IoRequest.READ_FULLY, 8192);
        assertEquals(CONTINUE, ResultClassifier.classify(buffered, 100, false));
        IoRequest direct = request(file(AioOpenOption.DIRECT), IoRequest.READ_FULLY, 8192);
        assertEquals(CONTINUE, ResultClassifier.classify(direct, 4096, true), "DIRECT reads never go to a thread");
        assertEquals(SETTLED, ResultClassifier.classify(direct, 100, false), "end of file off the alignment");
    }

    @Test
    void shouldContinueAShortWriteAndFailOneThatMadeNoProgress() {
        IoRequest w = request(file(StandardOpenOption.WRITE), IoRequest.WRITE, 4096);
        assertEquals(CONTINUE, ResultClassifier.classify(w, 1000, false));
        assertEquals(SETTLED, ResultClassifier.classify(w, 4096, false));
        assertEquals(FAILED, ResultClassifier.classify(w, 0, false));
        assertEquals(FAILED, ResultClassifier.classify(w, -Errno.ENOSPC, false));
    }

    @Test
    void shouldSettleASyncOnZeroAndFailItOnAnError() {
        IoRequest sync = request(file(StandardOpenOption.WRITE), IoRequest.FDATASYNC, 0);
        assertEquals(SETTLED, ResultClassifier.classify(sync, 0, false));
        assertEquals(FAILED, ResultClassifier.classify(sync, -Errno.EIO, false));
    }

    @Test
    void shouldCountProgressOnlyWhenTheVerdictCreditsIt() {
        IoRequest w = request(file(StandardOpenOption.WRITE), IoRequest.WRITE, 4096);
        assertEquals(CONTINUE, w.onResult(1000, false));
        assertEquals(1000, w.done());
        assertEquals(3096, w.remaining());
        assertEquals(FAILED, w.onResult(-Errno.EIO, false));
        assertEquals(1000, w.done());
    }

    /** The Linux AIO engine's routing. */
    private static int aio(IoRequest r, boolean continuation, int freeSlots, boolean othersWaiting,
                           boolean cachedReadAllowed) {
        return RequestRouter.route(r, continuation, freeSlots, othersWaiting, cachedReadAllowed,
                RequestRouter.linuxAioCan(r));
    }

    @Test
    void shouldLetIoUringTruncateWhereTheKernelCanAndAllocateOnAThread() {
        FileState f = file(StandardOpenOption.WRITE);
        IoRequest truncate = request(f, IoRequest.TRUNCATE, 0);
        assertEquals(RequestRouter.KERNEL_SLOT, RequestRouter.route(truncate, false, 8, false, false,
                RequestRouter.ioUringCan(truncate, true)));
        assertEquals(RequestRouter.BLOCKING, RequestRouter.route(truncate, false, 8, false, false,
                RequestRouter.ioUringCan(truncate, false)), "before Linux 6.9: no IORING_OP_FTRUNCATE");
        IoRequest allocate = request(f, IoRequest.ALLOCATE, 0);
        assertEquals(RequestRouter.BLOCKING, RequestRouter.route(allocate, false, 8, false, false,
                RequestRouter.ioUringCan(allocate, true)), "reserve, then extend: two calls on a thread");
    }

    @Test
    void shouldRouteBufferedReadsThroughThePageCacheFirst() {
        IoRequest r = request(file(), IoRequest.READ, 4096);
        assertEquals(RequestRouter.CACHED_READ, aio(r, false, 8, false, true));
        assertEquals(RequestRouter.KERNEL_SLOT, aio(r, false, 8, false, false));
    }

    @Test
    void shouldQueueBehindWaitingRequestsButPutContinuationsFirst() {
        IoRequest r = request(file(AioOpenOption.DIRECT), IoRequest.READ, 4096);
        assertEquals(RequestRouter.KERNEL_SLOT, aio(r, false, 1, false, true));
        assertEquals(RequestRouter.QUEUE, aio(r, false, 1, true, true), "no overtaking");
        assertEquals(RequestRouter.QUEUE, aio(r, false, 0, false, true));
        assertEquals(RequestRouter.KERNEL_SLOT, aio(r, true, 1, true, true));
        assertEquals(RequestRouter.QUEUE_FIRST, aio(r, true, 0, true, true));
    }

    @Test
    void shouldSendMetadataOperationsAndNowaitRefusingFilesToTheLane() {
        FileState f = file(StandardOpenOption.WRITE);
        assertEquals(RequestRouter.BLOCKING, aio(request(f, IoRequest.TRUNCATE, 0), false, 8,
                false, true));
        assertEquals(RequestRouter.BLOCKING, aio(request(f, IoRequest.ALLOCATE, 0), false, 8,
                false, true));
        IoRequest w = request(f, IoRequest.WRITE, 4096);
        assertEquals(RequestRouter.KERNEL_SLOT, aio(w, false, 8, false, true));
        f.nowaitUnsupported(false);
        assertEquals(RequestRouter.BLOCKING, aio(w, false, 8, false, true));
        assertEquals(RequestRouter.KERNEL_SLOT, aio(request(f, IoRequest.FSYNC, 0), false, 8,
                false, true), "a sync carries no RWF_NOWAIT");
    }
}
