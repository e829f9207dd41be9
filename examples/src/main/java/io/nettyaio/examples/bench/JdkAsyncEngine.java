package io.nettyaio.examples.bench;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.CompletionHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * {@link AsynchronousFileChannel} as users get it from {@code open(path, options)}: on Linux each request is a
 * blocking pread/pwrite on the JDK's default thread pool, and the completion handler runs on that pool thread. One
 * channel per loop; each slot's handler issues the slot's next request.
 */
final class JdkAsyncEngine implements Engine {
    private final BenchOptions options;
    private final Flight flight;
    private final Measurement measurement;
    private final List<AsynchronousFileChannel> channels = new ArrayList<>();
    private ScheduledExecutorService prober;
    private StallProbe probe;

    JdkAsyncEngine(BenchOptions options, Flight flight, Measurement measurement) {
        this.options = options;
        this.flight = flight;
        this.measurement = measurement;
    }

    @Override
    public void start() throws IOException, BenchUsageException {
        int align = JdkEngineSetup.alignment(options);
        List<Slot> slots = new ArrayList<>();
        for (int lane = 0; lane < options.loops(); lane++) {
            AsynchronousFileChannel channel = AsynchronousFileChannel.open(options.file(),
                    JdkEngineSetup.openOptions(options.direct()), null);
            channels.add(channel);
            LatencyRecorder recorder = measurement.newRecorder();
            Offsets offsets = new Offsets(options.pattern().isRandom(), options.bs(), options.size(),
                    lane * (options.size() / options.bs() / options.loops()));
            for (int i = 0; i < options.iodepth(); i++) {
                slots.add(new Slot(channel, JdkEngineSetup.buffer(options.bs(), align), options.pattern().isRead(),
                        offsets, recorder, flight));
            }
        }
        // No event loop here: the probe runs on a plain scheduled thread and so shows JVM-wide stalls (GC, a
        // saturated CPU) rather than a loop's.
        prober = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("bench-stall-probe"));
        probe = measurement.newStallProbe();
        probe.start(prober);
        flight.launch(slots.size());
        for (Slot slot : slots) {
            slot.issue();
        }
    }

    @Override
    public void close() {
        if (probe != null) {
            probe.stop();
        }
        if (prober != null) {
            prober.shutdownNow();
        }
        for (AsynchronousFileChannel channel : channels) {
            try {
                channel.close();
            } catch (IOException e) {
                System.err.println("bench: closing " + options.file() + ": " + e);
            }
        }
    }

    /** One request in flight: its buffer, position and start time, and the handler that issues the next one. */
    private static final class Slot implements CompletionHandler<Integer, Void> {
        private final AsynchronousFileChannel channel;
        private final ByteBuffer buf;
        private final boolean read;
        private final Offsets offsets;
        private final LatencyRecorder recorder;
        private final Flight flight;
        private long position;
        private long startNanos;

        Slot(AsynchronousFileChannel channel, ByteBuffer buf, boolean read, Offsets offsets, LatencyRecorder recorder,
             Flight flight) {
            this.channel = channel;
            this.buf = buf;
            this.read = read;
            this.offsets = offsets;
            this.recorder = recorder;
            this.flight = flight;
        }

        void issue() {
            if (!flight.proceed()) {
                flight.land();
                return;
            }
            position = offsets.next();
            buf.clear();
            startNanos = System.nanoTime();
            submit();
        }

        private void submit() {
            try {
                if (read) {
                    channel.read(buf, position + buf.position(), null, this);
                } else {
                    channel.write(buf, position + buf.position(), null, this);
                }
            } catch (RuntimeException e) {
                failed(e, null);
            }
        }

        @Override
        public void completed(Integer result, Void attachment) {
            int n = result;
            if (n < 0) {
                failed(new EOFException("end of file at position " + (position + buf.position())
                        + ": is the file shorter than --size?"), null);
                return;
            }
            if (!read && n > 0 && buf.hasRemaining()) {
                submit(); // a short write: finish the request before counting it
                return;
            }
            recorder.recordSince(startNanos);
            issue();
        }

        @Override
        public void failed(Throwable cause, Void attachment) {
            flight.fail(cause);
            flight.land();
        }
    }
}
