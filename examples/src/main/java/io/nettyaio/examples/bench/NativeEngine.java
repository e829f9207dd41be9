package io.nettyaio.examples.bench;

import io.nettyaio.linux.AioContext;
import io.nettyaio.linux.CompletionHandler;
import io.nettyaio.linux.EventFd;
import io.nettyaio.linux.IocbArray;
import io.nettyaio.linux.LinuxAio;
import io.nettyaio.linux.NativeFile;
import io.nettyaio.linux.NativeIoException;
import io.nettyaio.linux.NativeMemory;
import io.nettyaio.linux.OpenFlags;
import io.nettyaio.linux.SubmissionQueue;
import io.nettyaio.linux.SubmitErrorHandler;

import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The Linux AIO binding alone, with no Netty: per loop, one thread owns an {@link AioContext} of {@code --iodepth},
 * one eventfd, one aligned buffer per slot; it submits what completed in one io_submit, sleeps in poll on the
 * eventfd, and reaps the ring. The floor of what {@code aio} can reach: the difference is the channel's cost.
 */
final class NativeEngine implements Engine {
    private final BenchOptions options;
    private final Flight flight;
    private final Measurement measurement;
    private final List<Lane> lanes = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private ScheduledExecutorService prober;
    private StallProbe probe;

    NativeEngine(BenchOptions options, Flight flight, Measurement measurement) {
        this.options = options;
        this.flight = flight;
        this.measurement = measurement;
    }

    @Override
    public void start() throws IOException, BenchUsageException {
        if (!LinuxAio.isAvailable()) {
            throw new IOException("the native engine needs Linux AIO: " + LinuxAio.unavailabilityCause());
        }
        int flags = (options.pattern().isRead() ? OpenFlags.RDONLY : OpenFlags.WRONLY)
                | (options.direct() ? OpenFlags.DIRECT : 0);
        for (int lane = 0; lane < options.loops(); lane++) {
            Offsets offsets = new Offsets(options.pattern().isRandom(), options.bs(), options.size(),
                    lane * (options.size() / options.bs() / options.loops()));
            NativeFile file = NativeFile.open(options.file().toString(), flags, 0);
            if (!options.direct()) { // the advice fio gives by default (fadvise_hint=1), as the aio engine does
                try {
                    file.advise(0, 0, options.pattern().isRandom()
                            ? NativeFile.POSIX_FADV_RANDOM : NativeFile.POSIX_FADV_SEQUENTIAL);
                } catch (NativeIoException e) {
                    file.close();
                    throw e;
                }
            }
            Lane l = new Lane(file, options, offsets, measurement.newRecorder(), flight);
            lanes.add(l);
            threads.add(DaemonThreads.named("bench-native").newThread(l));
        }
        prober = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("bench-stall-probe"));
        probe = measurement.newStallProbe();
        probe.start(prober);
        flight.launch(lanes.size());
        for (Thread t : threads) {
            t.start();
        }
    }

    /** The binding alone: Linux AIO, always. */
    @Override
    public String ioEngine() {
        return "linux-aio";
    }

    @Override
    public void close() {
        if (probe != null) {
            probe.stop();
        }
        if (prober != null) {
            prober.shutdownNow();
        }
        for (Thread t : threads) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (Lane l : lanes) {
            try {
                l.file.close();
            } catch (NativeIoException e) {
                System.err.println("bench: closing " + options.file() + ": " + e.getMessage());
            }
        }
    }

    /** One thread, one context, {@code iodepth} slots. */
    private static final class Lane implements Runnable, CompletionHandler, SubmitErrorHandler {
        final NativeFile file;
        private final int depth;
        private final int bs;
        private final boolean read;
        private final Offsets offsets;
        private final LatencyRecorder recorder;
        private final Flight flight;
        private final long[] startNanos;
        /** Slots completed during one reap, prepared again after it (the ring must not be refilled mid-reap). */
        private final int[] reissue;
        private int reissueCount;
        private IocbArray iocbs;
        private SubmissionQueue queue;
        private NativeMemory memory;
        private int inFlight;

        Lane(NativeFile file, BenchOptions options, Offsets offsets, LatencyRecorder recorder, Flight flight) {
            this.file = file;
            this.depth = options.iodepth();
            this.bs = options.bs();
            this.read = options.pattern().isRead();
            this.offsets = offsets;
            this.recorder = recorder;
            this.flight = flight;
            this.startNanos = new long[depth];
            this.reissue = new int[depth];
        }

        @Override
        public void run() {
            try (AioContext ctx = AioContext.open(depth); EventFd efd = EventFd.open()) {
                iocbs = new IocbArray(depth);
                queue = new SubmissionQueue(ctx, depth);
                memory = NativeMemory.allocate((long) depth * bs, 4096);
                fillRandom(memory); // written data must not compress or dedupe (zram would store zeros for free)
                for (int slot = 0; slot < depth; slot++) {
                    prepare(slot, efd.fd());
                }
                submit();
                while (inFlight > 0) {
                    if (efd.awaitReadable(100)) {
                        efd.read();
                    }
                    ctx.reap(this, Integer.MAX_VALUE);
                    for (int i = 0; i < reissueCount; i++) {
                        prepare(reissue[i], efd.fd());
                    }
                    reissueCount = 0;
                    submit();
                }
            } catch (IOException | RuntimeException e) {
                flight.fail(e);
            } finally {
                if (queue != null) {
                    queue.free();
                }
                if (iocbs != null) {
                    iocbs.free();
                }
                if (memory != null) {
                    memory.free();
                }
                flight.land();
            }
        }

        private static void fillRandom(NativeMemory memory) {
            java.nio.ByteBuffer view = memory.buffer();
            java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
            for (int i = 0; i + 8 <= memory.size(); i += 8) {
                view.putLong(i, random.nextLong());
            }
        }

        private void prepare(int slot, int eventFd) {
            long address = memory.address() + (long) slot * bs;
            long position = offsets.next();
            if (read) {
                iocbs.preparePread(slot, file.fd(), address, bs, position);
            } else {
                iocbs.preparePwrite(slot, file.fd(), address, bs, position);
            }
            iocbs.setEventFd(slot, eventFd);
            startNanos[slot] = System.nanoTime();
            queue.add(iocbs.address(slot));
            inFlight++;
        }

        private void submit() {
            queue.submit(this);
        }

        @Override
        public void onSubmitError(long iocbAddress, NativeIoException cause) {
            flight.fail(cause);
            inFlight--;
        }

        @Override
        public void onCompletion(long userData, long iocbAddress, long res, long res2) {
            int slot = (int) userData;
            inFlight--;
            if (res < 0) {
                flight.fail(new NativeIoException(read ? "pread" : "pwrite", (int) -res));
                return;
            }
            if (read && res == 0) {
                flight.fail(new EOFException("end of file: is the file shorter than --size?"));
                return;
            }
            recorder.recordSince(startNanos[slot]);
            if (flight.proceed()) {
                reissue[reissueCount++] = slot;
            }
        }
    }
}
