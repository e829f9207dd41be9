package io.nettyaio.examples.bench;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.EventExecutor;
import io.nettyaio.channel.Aio;
import io.nettyaio.channel.AioBuffers;
import io.nettyaio.channel.AioCompletionHandler;
import io.nettyaio.channel.AioEventLoopGroup;
import io.nettyaio.channel.AioFileChannel;
import io.nettyaio.channel.AioOpenOption;

import java.io.EOFException;
import java.io.IOException;
import java.nio.file.OpenOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code --engine aio}: the bench's driver of {@link AioFileChannel} (not one of the library's own engines), on an
 * {@link AioEventLoopGroup} of {@code --loops} loops. Each loop gets its own channel and its own slots; every
 * request is issued on, and completes on, that loop's thread, so a slot needs no synchronization. Buffers are
 * allocated once per slot at the channel's alignment and reused.
 */
final class AioFileChannelEngine implements Engine {
    private static final long CLOSE_TIMEOUT_SECONDS = 10;

    private final BenchOptions options;
    private final Flight flight;
    private final Measurement measurement;
    private final List<AioFileChannel> channels = new ArrayList<>();
    private final List<ByteBuf> buffers = new ArrayList<>();
    private final List<StallProbe> probes = new ArrayList<>();
    private AioEventLoopGroup group;

    AioFileChannelEngine(BenchOptions options, Flight flight, Measurement measurement) {
        this.options = options;
        this.flight = flight;
        this.measurement = measurement;
    }

    @Override
    public void start() throws IOException, BenchUsageException {
        try {
            Aio.ensureAvailability();
        } catch (LinkageError | RuntimeException e) {
            throw new IOException("the aio engine is not available here: " + e, e);
        }
        // Size each loop's AIO context to the depth, as fio's libaio engine does, so that every slot's request is
        // really in the kernel rather than waiting in the loop's queue (the default capacity is 256).
        try {
            group = new AioEventLoopGroup(options.loops(), options.iodepth());
        } catch (IllegalStateException e) {
            // Netty wraps the loop's own failure (io_setup EAGAIN when fs.aio-max-nr is exhausted, for one).
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IOException("cannot create " + options.loops() + " AIO event loop(s) of capacity "
                    + options.iodepth() + ": " + cause.getMessage(), e);
        }
        // Buffered I/O gets the access advice fio gives by default (fadvise_hint=1): no readahead for random I/O
        OpenOption[] openOptions = {StandardOpenOption.READ, StandardOpenOption.WRITE,
            options.direct() ? AioOpenOption.DIRECT
                    : options.pattern().isRandom() ? AioOpenOption.RANDOM_ACCESS : AioOpenOption.SEQUENTIAL_ACCESS};
        List<Slot[]> lanes = new ArrayList<>();
        int lane = 0;
        for (EventExecutor loop : group) {
            AioFileChannel channel = AioFileChannel.open(options.file(), loop, openOptions);
            channels.add(channel);
            int align = channel.alignment();
            if (options.bs() % align != 0) {
                throw BenchUsageException.badValue("--bs", Integer.toString(options.bs()), "a multiple of " + align
                        + ", the alignment O_DIRECT needs on " + options.file());
            }
            LatencyRecorder recorder = measurement.newRecorder();
            Offsets offsets = new Offsets(options.pattern().isRandom(), options.bs(), options.size(),
                    lane++ * (options.size() / options.bs() / options.loops()));
            Slot[] slots = new Slot[options.iodepth()];
            for (int i = 0; i < slots.length; i++) {
                ByteBuf buf = randomBytes(AioBuffers.directBuffer(options.bs(), Math.max(align, 1)));
                buffers.add(buf);
                slots[i] = new Slot(channel, buf, options.pattern().isRead(), offsets, recorder, flight);
            }
            lanes.add(slots);
        }
        flight.launch(lanes.size() * options.iodepth());
        for (int i = 0; i < lanes.size(); i++) {
            EventExecutor executor = channels.get(i).executor();
            StallProbe probe = measurement.newStallProbe();
            probes.add(probe);
            probe.start(executor);
            executor.execute(new IssueAll(lanes.get(i)));
        }
    }

    /** Fills a buffer with random bytes, so that written data neither compresses nor dedupes (fio does the same). */
    private static ByteBuf randomBytes(ByteBuf buf) {
        byte[] random = new byte[buf.capacity()];
        java.util.concurrent.ThreadLocalRandom.current().nextBytes(random);
        return buf.setBytes(0, random).clear();
    }

    /** The engine of the loops' files: what -Dio.nettyaio.engine and the machine chose. */
    @Override
    public String ioEngine() {
        return channels.isEmpty() ? null : channels.get(0).engine();
    }

    /**
     * The loops' counters: how many requests went to the kernel, in how many io_submit calls, and how many fell back
     * to a blocking thread. What explains an aio result lies there.
     */
    @Override
    public String counters() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < channels.size(); i++) {
            sb.append(i == 0 ? "" : "\n").append("aio loop ").append(i).append(" (whole run): ")
                    .append(channels.get(i).metrics());
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    @Override
    public void close() {
        for (StallProbe probe : probes) {
            probe.stop();
        }
        for (AioFileChannel channel : channels) {
            if (!channel.closeAsync().awaitUninterruptibly(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                System.err.println("bench: closing " + options.file() + " took more than " + CLOSE_TIMEOUT_SECONDS
                        + " s");
            }
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS)
                    .awaitUninterruptibly(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        // The channel retains a buffer while the kernel may touch it, so releasing ours is safe even after a timeout.
        for (ByteBuf buf : buffers) {
            buf.release();
        }
        buffers.clear();
    }

    /** Issues a lane's first requests from its loop thread. */
    private static final class IssueAll implements Runnable {
        private final Slot[] slots;

        IssueAll(Slot[] slots) {
            this.slots = slots;
        }

        @Override
        public void run() {
            for (Slot slot : slots) {
                slot.issue();
            }
        }
    }

    /**
     * One request in flight, reused for every request of the slot: its completion handler issues the next one from
     * the loop thread. The handler form of read/write allocates nothing per request (no promise).
     */
    private static final class Slot implements AioCompletionHandler<Slot>, Runnable {
        static final int INLINE_ROUNDS = 16;
        private final AioFileChannel channel;
        private final EventExecutor executor;
        private final ByteBuf buf;
        private final int bs;
        private final boolean read;
        private final Offsets offsets;
        private final LatencyRecorder recorder;
        private final Flight flight;
        private long position;
        private long startNanos;
        private boolean issuing;
        /** A request completed inside read()/write(): the issuing loop goes round again. */
        private boolean again;

        Slot(AioFileChannel channel, ByteBuf buf, boolean read, Offsets offsets, LatencyRecorder recorder,
             Flight flight) {
            this.channel = channel;
            this.executor = channel.executor();
            this.buf = buf;
            this.bs = buf.capacity();
            this.read = read;
            this.offsets = offsets;
            this.recorder = recorder;
            this.flight = flight;
        }

        @Override
        public void run() {
            issue();
        }

        /**
         * Issues the next request; one that completes inside read()/write() (a page-cache hit) is followed by the
         * next in this loop, up to {@value #INLINE_ROUNDS} times, then through the loop's task queue, so that the
         * loop still runs its tasks and one task per request does not allocate a queue node per request.
         */
        void issue() {
            for (int round = 0; ; round++) {
                if (!flight.proceed()) {
                    flight.land();
                    return;
                }
                position = offsets.next();
                again = false;
                issuing = true;
                startNanos = System.nanoTime();
                if (read) {
                    buf.clear();
                    channel.read(buf, position, this, this);
                } else {
                    buf.setIndex(0, bs);
                    channel.write(buf, position, this, this);
                }
                issuing = false;
                if (!again) {
                    return;
                }
                if (round == INLINE_ROUNDS) {
                    executor.execute(this);
                    return;
                }
            }
        }

        @Override
        public void failed(Throwable cause, Slot slot) {
            flight.fail(cause);
            flight.land();
        }

        @Override
        public void completed(int result, Slot slot) {
            if (read && result < 0) {
                flight.fail(new EOFException("end of file at position " + position
                        + ": is the file shorter than --size?"));
                flight.land();
                return;
            }
            recorder.recordSince(startNanos);
            if (issuing) {
                again = true; // completed inside read()/write(): issuing here would recurse, issue() goes round
            } else {
                issue();
            }
        }
    }
}
