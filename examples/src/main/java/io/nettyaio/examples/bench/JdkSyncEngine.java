package io.nettyaio.examples.bench;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;

/**
 * Blocking {@link FileChannel} positional reads or writes: one {@code FileChannel} per loop and {@code --iodepth}
 * threads on it, each keeping one request in flight ({@code loops x iodepth} threads in all).
 */
final class JdkSyncEngine implements Engine {
    private final BenchOptions options;
    private final Flight flight;
    private final Measurement measurement;
    private final List<FileChannel> channels = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private ScheduledExecutorService prober;
    private StallProbe probe;

    JdkSyncEngine(BenchOptions options, Flight flight, Measurement measurement) {
        this.options = options;
        this.flight = flight;
        this.measurement = measurement;
    }

    @Override
    public void start() throws IOException, BenchUsageException {
        int align = JdkEngineSetup.alignment(options);
        ThreadFactory factory = DaemonThreads.named("bench-jdk-sync");
        for (int lane = 0; lane < options.loops(); lane++) {
            FileChannel channel = FileChannel.open(options.file(), JdkEngineSetup.openOptions(options.direct()));
            channels.add(channel);
            LatencyRecorder recorder = measurement.newRecorder();
            Offsets offsets = new Offsets(options.pattern().isRandom(), options.bs(), options.size(),
                    lane * (options.size() / options.bs() / options.loops()));
            for (int i = 0; i < options.iodepth(); i++) {
                threads.add(factory.newThread(new Worker(channel, JdkEngineSetup.buffer(options.bs(), align),
                        options.pattern().isRead(), offsets, recorder, flight)));
            }
        }
        prober = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("bench-stall-probe"));
        probe = measurement.newStallProbe();
        probe.start(prober);
        flight.launch(threads.size());
        for (Thread thread : threads) {
            thread.start();
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
        // The workers have landed (or the run gave up on them); closing the channel fails any straggler's request.
        for (FileChannel channel : channels) {
            try {
                channel.close();
            } catch (IOException e) {
                System.err.println("bench: closing " + options.file() + ": " + e);
            }
        }
    }

    /** One thread, one request in flight at a time. */
    private static final class Worker implements Runnable {
        private final FileChannel channel;
        private final ByteBuffer buf;
        private final boolean read;
        private final Offsets offsets;
        private final LatencyRecorder recorder;
        private final Flight flight;

        Worker(FileChannel channel, ByteBuffer buf, boolean read, Offsets offsets, LatencyRecorder recorder,
               Flight flight) {
            this.channel = channel;
            this.buf = buf;
            this.read = read;
            this.offsets = offsets;
            this.recorder = recorder;
            this.flight = flight;
        }

        @Override
        public void run() {
            try {
                while (flight.proceed()) {
                    long position = offsets.next();
                    buf.clear();
                    long startNanos = System.nanoTime();
                    if (read) {
                        if (channel.read(buf, position) < 0) {
                            throw new EOFException("end of file at position " + position
                                    + ": is the file shorter than --size?");
                        }
                    } else {
                        while (buf.hasRemaining()) {
                            channel.write(buf, position + buf.position());
                        }
                    }
                    recorder.recordSince(startNanos);
                }
            } catch (IOException | RuntimeException e) {
                flight.fail(e);
            } finally {
                flight.land();
            }
        }
    }
}
