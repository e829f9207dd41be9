package io.nettyaio.channel;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.nettyaio.channel.fault.LoopExt4;
import io.nettyaio.linux.NativeIoException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.CRC32C;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Measures what {@link AioFileChannel#fdatasync()} promises, the way storage engines test it: records are written to
 * an O_DIRECT file and to a buffered file on a loop-mounted ext4 and fdatasync'd, and then the power is cut
 * ({@code EXT4_IOC_SHUTDOWN} with {@code EXT4_GOING_FLAGS_NOLOGFLUSH}: nothing ext4 has not yet handed to the device
 * gets there) at a random moment, with writes and syncs in flight. After a remount (journal replay) every
 * <em>acknowledged</em> record must be present and intact.
 *
 * <p><b>Acknowledged</b> means: the record's write future completed successfully before an {@code fdatasync()} was
 * called, and that fdatasync completed successfully <em>before the cut</em>. Writes still in flight when a sync is
 * called are not covered by it (see "Ordering and durability" in {@link AioFileChannel}); they wait for the next one.
 * A real power cut leaves no one to hear a later answer, but the shutdown ioctl lets the process live on, and ext4
 * then reports success for some buffered fdatasyncs that were in flight at the cut although their data is gone. The
 * same happens with plain synchronous fdatasync(2), without this library ({@code src/test/c/fdatasync_shutdown_race.c}
 * shows it: about one cut in ten), so it is a property of the emulation. Those late answers are counted and printed,
 * not treated as acknowledgements.
 *
 * <p><b>Records</b> carry a header (magic, cycle, file, sequence number, length) and a CRC32C over header and payload,
 * so a record read back after the cut is decidably intact, absent (zeros or past end of file) or torn. Each file
 * holds records back to back at known positions: O_DIRECT ones a random multiple of the alignment long, buffered ones
 * of any length (so they straddle pages). The verifier reads with plain JDK I/O, independent of the code under test.
 *
 * <p><b>The cut</b> happens from the test thread after both writers have had {@code K} (1 to 3) syncs acknowledged
 * plus a random number of microseconds, the experiment's variable (seeded: the seed is printed, and
 * {@value #SEED_PROP_NAME} replays the same schedule of record sizes, batches and delays; the interleaving with the
 * kernel is timing and cannot be replayed). The shutdown helper is armed beforehand, so the cut itself is a pipe
 * write and lands inside fdatasyncs and writes, not only between them. After the cut, requests in flight fail (EIO,
 * or EROFS from the aborted journal; expected: they are simply unacknowledged) and the channels must still close
 * cleanly.
 *
 * <p><b>Teeth.</b> A cut that lost nothing would prove nothing, so the test also counts records whose write had
 * completed but that no successful fdatasync covered, and asserts the cut really lost some of them, and that some
 * cuts really landed during an fdatasync.
 *
 * <p><b>Without fdatasync.</b> The same experiment measures what {@link AioRequestOptions#DSYNC} promises: every record
 * is written with it and no fdatasync is ever called (the files themselves are created durable before, as a journal
 * creates its segment once). A record is <em>acknowledged</em> when its own write future succeeded before the cut
 * began; DSYNC writes that ext4 answered during or after the cut are counted apart, as above. For teeth, one record in
 * {@value #CONTROL_EVERY} is a plain write, a control nobody made durable: some completed controls must be lost.
 *
 * <p>Needs root (loop device, mount, the ioctl); skipped with the reason otherwise. Prints
 * {@code acknowledged records lost: 0 of N over M cuts}, and {@code DSYNC acknowledged records lost: 0 of N over M
 * cuts}.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class PowerCutDurabilityTest {
    /** System property: replay a seed printed by an earlier run. */
    static final String SEED_PROP_NAME = "io.nettyaio.powerCutSeed";

    private static final int CUTS = 100;
    /** The DSYNC variant's cuts: fewer, its runtime stays a few seconds. */
    private static final int DSYNC_CUTS = 30;
    /** In the DSYNC variant, one record in this many is a plain write: a control that no one made durable. */
    private static final int CONTROL_EVERY = 4;
    /** The filesystem: big enough for a cycle's two files, which are deleted after each verification. */
    private static final long FS_SIZE = 64L << 20;
    /** Per writer and cycle: a writer stops here even without a cut (it never gets close in practice). */
    private static final int MAX_RECORDS = 2000;
    private static final int MAX_BATCH = 8;
    private static final int MAX_BUFFERED_RECORD = 8192;
    private static final int MAX_DIRECT_UNITS = 16;
    /** The random part of the cut's delay, after K acknowledged syncs of each writer. */
    private static final int MAX_DELAY_MICROS = 20_000;
    private static final long TIMEOUT_SECONDS = 30;

    private static final int MAGIC = 0x50435554; // "PCUT"
    /** magic(4) cycle(4) file(4) seq(8) length(4) crc32c(4), big-endian; the CRC covers everything else. */
    private static final int HEADER = 28;
    private static final int CRC_OFFSET = 24;

    /** How the writers make their records durable. */
    private enum Durability {
        /** Plain writes, then {@code fdatasync()} of those that completed: a successful sync acknowledges them. */
        FDATASYNC,
        /** Writes with {@link AioRequestOptions#DSYNC} and no fdatasync: a successful write acknowledges itself. */
        DSYNC
    }

    @Test
    void shouldKeepEveryAcknowledgedRecordAcrossPowerCuts() throws Exception {
        long seed = Long.getLong(SEED_PROP_NAME, ThreadLocalRandom.current().nextLong());
        Tally tally = cutPowerRepeatedly(Durability.FDATASYNC, CUTS, seed);

        System.out.println("acknowledged records lost: " + tally.ackedLost + " of " + tally.acked + " over "
                + tally.cuts + " cuts");
        tally.print(seed);

        assertEquals(CUTS, tally.cuts);
        assertEquals(0, tally.ackedLost, () -> "acknowledged records lost (seed " + seed + "): " + tally.lostDetails);
        assertTrue(tally.acked > 0, "nothing was acknowledged");
        assertTrue(tally.unsyncedLost > 0, "no completed but unsynced record was ever lost: the cut did not cut "
                + "(seed " + seed + ")");
        assertTrue(tally.cutsDuringSync > 0, "no cut landed during an fdatasync (seed " + seed + ")");
        tally.assertFailuresAreTheCuts();
    }

    @Test
    void shouldKeepEveryDsyncWriteAcknowledgedBeforeThePowerCutWithoutAnyFdatasync() throws Exception {
        long seed = Long.getLong(SEED_PROP_NAME, ThreadLocalRandom.current().nextLong());
        Tally tally = cutPowerRepeatedly(Durability.DSYNC, DSYNC_CUTS, seed);

        System.out.println("DSYNC acknowledged records lost: " + tally.ackedLost + " of " + tally.acked + " over "
                + tally.cuts + " cuts");
        tally.print(seed);

        assertEquals(DSYNC_CUTS, tally.cuts);
        assertEquals(0, tally.ackedLost, () -> "DSYNC acknowledged records lost (seed " + seed + "): "
                + tally.lostDetails);
        assertTrue(tally.ackedByFile[0] > 0 && tally.ackedByFile[1] > 0, "nothing was acknowledged in a file");
        assertEquals(0, tally.syncs, "the DSYNC writers never call fdatasync");
        assertTrue(tally.unsyncedLost > 0, "no completed plain control record was ever lost: the cut did not cut "
                + "(seed " + seed + ")");
        assertTrue(tally.cutsDuringDsyncWrite > 0, "no cut landed during a DSYNC write (seed " + seed + ")");
        tally.assertFailuresAreTheCuts();
    }

    /** Runs {@code cuts} cycles of writers and a power cut each, and returns what was counted. */
    private Tally cutPowerRepeatedly(Durability durability, int cuts, long seed) throws Exception {
        assumeEngineUnderTest();
        String reason = LoopExt4.unavailableReason();
        Assumptions.assumeTrue(reason == null, reason);

        SplittableRandom random = new SplittableRandom(seed);
        Tally tally = new Tally();
        ReliabilitySupport.Resources before = new ReliabilitySupport.Resources();
        long start = System.nanoTime();
        AioEventLoopGroup group = new AioEventLoopGroup(1);
        ExecutorService writers = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "power-cut-writer");
            t.setDaemon(true);
            return t;
        });
        try (LoopExt4 fs = new LoopExt4(FS_SIZE)) {
            for (int cycle = 0; cycle < cuts; cycle++) {
                try {
                    runCycle(fs, group.next(), writers, durability, cycle, random.split(), tally);
                } catch (Throwable t) {
                    throw new AssertionError("cycle " + cycle + " failed (seed " + seed + ", replay with -D"
                            + SEED_PROP_NAME + "=" + seed + ")", t);
                }
            }
        } finally {
            writers.shutdownNow();
            assertTrue(writers.awaitTermination(TIMEOUT_SECONDS, TimeUnit.SECONDS), "writer threads did not end");
            assertTrue(group.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        }
        tally.millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        before.assertNativeUnchanged();
        LeakRecorder.assertNoLeaks();
        return tally;
    }

    /**
     * Skips where this class's engine is not the one to test: here the kernel engines (the default and io_uring
     * surefire executions), not the blocking engine, which {@link FallbackEnginePowerCutDurabilityTest} covers.
     */
    void assumeEngineUnderTest() {
        ReliabilitySupport.assumeLinuxAio();
    }

    /** One cycle: two fresh files, writers running, a cut, channels closed, a remount, verification, cleanup. */
    private static void runCycle(LoopExt4 fs, EventExecutor loop, ExecutorService executor, Durability durability,
                                 int cycle, SplittableRandom random, Tally tally) throws Exception {
        Path directPath = fs.mountPoint().resolve("cycle-" + cycle + "-direct.dat");
        Path bufferedPath = fs.mountPoint().resolve("cycle-" + cycle + "-buffered.dat");
        int k = 1 + random.nextInt(3);
        long delayNanos = TimeUnit.MICROSECONDS.toNanos(random.nextInt(MAX_DELAY_MICROS));
        Writer[] writers = new Writer[2];
        long cutStart;
        long cutEnd;
        try (LoopExt4.ArmedShutdown cut = fs.armShutdown()) {
            AioFileChannel direct = null;
            AioFileChannel buffered = null;
            List<java.util.concurrent.Future<Void>> running = new ArrayList<>();
            try {
                direct = AioFileChannel.open(directPath, loop, WRITE, CREATE_NEW, AioOpenOption.DIRECT);
                buffered = AioFileChannel.open(bufferedPath, loop, WRITE, CREATE_NEW);
                tally.engine = direct.engine();
                // The experiment is about data: make the files themselves durable before it starts.
                ReliabilitySupport.await(direct.fsync());
                ReliabilitySupport.await(buffered.fsync());
                try (FileChannel dir = FileChannel.open(fs.mountPoint(), READ)) {
                    dir.force(true);
                }
                writers[0] = new Writer(direct, durability, cycle, 0, k, random.split());
                writers[1] = new Writer(buffered, durability, cycle, 1, k, random.split());
                for (Writer w : writers) {
                    running.add(executor.submit(w));
                }
                for (Writer w : writers) {
                    assertTrue(w.acknowledgements.await(TIMEOUT_SECONDS, TimeUnit.SECONDS),
                            () -> "no " + k + " acknowledgements within " + TIMEOUT_SECONDS + " s: " + w);
                }
                LockSupport.parkNanos(delayNanos); // the experiment's variable, not synchronization
                cutStart = System.nanoTime();
                cut.fire();
                cutEnd = System.nanoTime();
                for (java.util.concurrent.Future<Void> r : running) {
                    r.get(TIMEOUT_SECONDS, TimeUnit.SECONDS); // rethrows a writer's assertion failure
                }
            } finally {
                for (java.util.concurrent.Future<Void> r : running) {
                    r.cancel(true);
                }
                closeAll(direct, buffered);
            }
        }
        // Listeners run on the loop, inline as each promise completes: once a task queued now has run, every
        // completion time has been stamped.
        assertTrue(loop.submit(() -> { }).await(TIMEOUT_SECONDS, TimeUnit.SECONDS), "loop barrier");
        fs.remount();
        tally.cuts++;
        long lostBefore = tally.ackedLost;
        boolean syncInFlight = false;
        boolean writeInFlight = false;
        boolean dsyncWriteInFlight = false;
        for (Writer w : writers) {
            syncInFlight |= w.syncs.stream().anyMatch(s -> s.inFlightAt(cutStart, cutEnd));
            writeInFlight |= w.records.stream().anyMatch(r -> r.inFlightAt(cutStart, cutEnd));
            dsyncWriteInFlight |= w.records.stream().anyMatch(r -> r.dsync && r.inFlightAt(cutStart, cutEnd));
            tally.syncs += w.syncs.size();
            w.countFailures(tally.failures);
            verify(w, cutStart, tally);
        }
        tally.cutsDuringSync += syncInFlight ? 1 : 0;
        tally.cutsDuringWrite += writeInFlight ? 1 : 0;
        tally.cutsDuringDsyncWrite += dsyncWriteInFlight ? 1 : 0;
        if (tally.ackedLost > lostBefore && tally.timelinesPrinted++ < 3) {
            for (Writer w : writers) {
                System.out.println("cycle " + cycle + ", times in us from the start of the cut, which took "
                        + (cutEnd - cutStart) / 1000 + " us: " + w.timeline(cutStart));
            }
        }
        Files.delete(directPath);
        Files.delete(bufferedPath);
    }

    /** Closes every channel (close waits for requests in flight) and asserts each close succeeded. */
    private static void closeAll(AioFileChannel... channels) throws InterruptedException {
        List<String> problems = new ArrayList<>();
        for (AioFileChannel ch : channels) {
            if (ch == null) {
                continue;
            }
            Future<Void> closed = ch.closeAsync();
            if (!closed.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                problems.add(ch + ": close did not complete within " + TIMEOUT_SECONDS + " s");
            } else if (!closed.isSuccess()) {
                problems.add(ch + ": close failed: " + closed.cause());
            }
        }
        assertTrue(problems.isEmpty(), problems.toString());
    }

    /** Reads the file back with JDK I/O after the remount and classifies every record written to it. */
    private static void verify(Writer w, long cutStart, Tally tally) throws IOException {
        Path path = w.channel.path();
        byte[] file;
        try {
            file = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            file = new byte[0];
        }
        for (Record r : w.records) {
            r.status = r.check(file, w.cycle, w.fileId);
            boolean intact = r.status == Status.INTACT;
            if (r.acknowledgedBefore(cutStart)) {
                tally.acked++;
                tally.ackedByFile[w.fileId]++;
                if (!intact) {
                    tally.ackedLost++;
                    if (tally.lostDetails.size() < 20) {
                        tally.lostDetails.add(path.getFileName() + " " + r + ": " + r.status + " (file size "
                                + file.length + ")");
                    }
                }
            } else if (r.dsync && r.write.isSuccess() || r.coveredBy != null && r.coveredBy.future.isSuccess()) {
                tally.lateAcked++;
                tally.lateAckedLost += intact ? 0 : 1;
            } else if (r.write.isSuccess()) {
                tally.unsynced++;
                tally.unsyncedLost += intact ? 0 : 1;
            } else {
                tally.failed++;
                tally.failedIntact += intact ? 1 : 0;
            }
        }
    }

    /**
     * Writes records back to back until a request fails (the cut) or {@link #MAX_RECORDS}: plain writes and
     * fdatasyncs, each fdatasync overlapping the next batch of writes, or DSYNC writes, each batch overlapping the
     * next. Runs on its own thread and blocks on futures, with deadlines.
     */
    private static final class Writer implements Callable<Void> {
        final AioFileChannel channel;
        final Durability durability;
        final int cycle;
        final int fileId;
        /** Counts successful fdatasyncs, or batches of successful DSYNC writes, down to the cut's K. */
        final CountDownLatch acknowledgements;
        final SplittableRandom random;
        final List<Record> records = new ArrayList<>();
        final List<Sync> syncs = new ArrayList<>();
        private long position;

        Writer(AioFileChannel channel, Durability durability, int cycle, int fileId, int k, SplittableRandom random) {
            this.channel = channel;
            this.durability = durability;
            this.cycle = cycle;
            this.fileId = fileId;
            this.acknowledgements = new CountDownLatch(k);
            this.random = random;
        }

        @Override
        public Void call() throws Exception {
            if (durability == Durability.DSYNC) {
                writeDurably();
            } else {
                writeAndSync();
            }
            return null;
        }

        /** DSYNC writes in batches; a batch is waited for while the next one is in flight. No fdatasync. */
        private void writeDurably() throws InterruptedException {
            List<Record> previous = List.of();
            boolean failed = false;
            while (!failed && records.size() < MAX_RECORDS) {
                int batch = 1 + random.nextInt(MAX_BATCH);
                List<Record> issued = new ArrayList<>(batch);
                for (int i = 0; i < batch; i++) {
                    issued.add(issue());
                }
                failed = !settle(previous);
                previous = issued;
            }
            settle(previous);
        }

        /** Waits for a batch of writes; returns whether all succeeded, and counts that as an acknowledgement. */
        private boolean settle(List<Record> batch) throws InterruptedException {
            boolean ok = true;
            for (Record r : batch) {
                awaitDone(r.write, "write");
                ok &= r.write.isSuccess();
            }
            if (ok && !batch.isEmpty()) {
                acknowledgements.countDown();
            }
            return ok;
        }

        private void writeAndSync() throws InterruptedException {
            List<Record> outstanding = new ArrayList<>(); // issued, not covered by an fdatasync call yet
            Sync sync = null;
            boolean failed = false;
            while (!failed && records.size() < MAX_RECORDS) {
                int batch = 1 + random.nextInt(MAX_BATCH);
                for (int i = 0; i < batch; i++) {
                    outstanding.add(issue());
                }
                if (sync != null) {
                    failed = !settle(sync);
                    sync = null;
                    if (failed) {
                        break;
                    }
                }
                // Wait for some of the writes, maybe all: the rest are in flight when fdatasync is called, so it
                // does not cover them and they wait for the next one.
                int wait = random.nextBoolean() ? outstanding.size() : random.nextInt(outstanding.size() + 1);
                for (int i = 0; i < wait; i++) {
                    awaitDone(outstanding.get(i).write, "write");
                }
                List<Record> covered = new ArrayList<>();
                for (Iterator<Record> it = outstanding.iterator(); it.hasNext(); ) {
                    Record r = it.next();
                    if (r.write.isDone()) { // checked before fdatasync is called: completed before the call
                        it.remove();
                        if (r.write.isSuccess()) {
                            covered.add(r);
                        } else {
                            failed = true;
                        }
                    }
                }
                if (!failed) {
                    sync = new Sync(covered);
                    sync.start(channel);
                    syncs.add(sync);
                }
            }
            // Let everything in flight finish: the cut fails it, or it succeeded
            if (sync != null) {
                settle(sync);
            }
            for (Record r : outstanding) {
                awaitDone(r.write, "write");
            }
        }

        private Record issue() {
            int length = fileId == 0 ? channel.offsetAlignment() * (1 + random.nextInt(MAX_DIRECT_UNITS))
                    : HEADER + 1 + random.nextInt(MAX_BUFFERED_RECORD - HEADER);
            // The FDATASYNC writers draw nothing here, so that their seeds replay the schedules of earlier runs
            boolean dsync = durability == Durability.DSYNC && random.nextInt(CONTROL_EVERY) != 0;
            Record r = new Record(records.size(), position, length, dsync);
            records.add(r);
            position += length;
            ByteBuf buf = AioBuffers.directBuffer(channel, length);
            try {
                buf.writeBytes(r.encode(cycle, fileId, random));
                r.issuedNanos = System.nanoTime();
                r.write = dsync ? channel.write(buf, r.position, AioRequestOptions.DSYNC)
                        : channel.write(buf, r.position);
                r.write.addListener(f -> r.doneNanos = System.nanoTime());
            } finally {
                buf.release(); // the channel holds its own reference while the write is in flight
            }
            return r;
        }

        /** Waits for an fdatasync; returns whether it succeeded. */
        private boolean settle(Sync sync) throws InterruptedException {
            awaitDone(sync.future, "fdatasync");
            if (!sync.future.isSuccess()) {
                return false;
            }
            acknowledgements.countDown();
            return true;
        }

        private void awaitDone(Future<?> f, String what) throws InterruptedException {
            if (!f.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                fail(what + " did not complete within " + TIMEOUT_SECONDS + " s: " + this);
            }
        }

        /** Counts failed requests by operation and errno name, e.g. {@code "fdatasync EIO"}. */
        void countFailures(Map<String, Integer> failures) {
            List<Future<?>> all = new ArrayList<>();
            records.forEach(r -> all.add(r.write));
            syncs.forEach(s -> all.add(s.future));
            for (Future<?> f : all) {
                if (f.isDone() && !f.isSuccess()) {
                    Throwable t = f.cause();
                    String name = t instanceof NativeIoException
                            ? ((NativeIoException) t).operation() + " " + ((NativeIoException) t).errnoName()
                            : jdkFailureName(t);
                    failures.merge(name, 1, Integer::sum);
                }
            }
        }

        /** The blocking engine's errors are the JDK's, which name the errno only in their message. */
        private static String jdkFailureName(Throwable t) {
            String message = String.valueOf(t.getMessage());
            return t.getClass().getName() + (message.contains("Input/output error") ? " EIO"
                    : message.contains("Read-only file system") ? " EROFS" : ": " + message);
        }

        /** What happened when, for the report of a cycle that lost an acknowledged record. */
        String timeline(long t0) {
            StringBuilder sb = new StringBuilder(channel.toString()).append('\n');
            for (Sync s : syncs) {
                sb.append("  fdatasync called ").append((s.calledNanos - t0) / 1000).append(" done ")
                        .append((s.doneNanos - t0) / 1000).append(' ').append(outcome(s.future)).append(", covers");
                s.covered.forEach(r -> sb.append(' ').append(r.seq));
                sb.append('\n');
            }
            for (Record r : records) {
                sb.append("  write ").append(r.seq).append(" issued ").append((r.issuedNanos - t0) / 1000)
                        .append(" done ").append((r.doneNanos - t0) / 1000).append(' ').append(outcome(r.write))
                        .append(r.dsync ? " DSYNC" : "").append(r.acknowledgedBefore(t0) ? ", acknowledged" : "")
                        .append(", after the cut ")
                        .append(r.status).append('\n');
            }
            return sb.toString();
        }

        private static String outcome(Future<?> f) {
            return f.isSuccess() ? "ok" : String.valueOf(f.cause());
        }

        @Override
        public String toString() {
            return "Writer(" + channel + ", " + durability + ", " + records.size() + " records, " + syncs.size()
                    + " fdatasyncs, " + acknowledgements.getCount() + " acknowledgements to go)";
        }
    }

    /** An fdatasync call and the records whose writes had completed successfully before it was made. */
    private static final class Sync {
        final List<Record> covered;
        long calledNanos;
        Future<Void> future;
        volatile long doneNanos;

        Sync(List<Record> covered) {
            this.covered = covered;
            covered.forEach(r -> r.coveredBy = this);
        }

        void start(AioFileChannel channel) {
            calledNanos = System.nanoTime();
            future = channel.fdatasync();
            future.addListener(f -> doneNanos = System.nanoTime());
        }

        /** Called before the cut began and answered after it ended, or failed (only the cut fails requests). */
        boolean inFlightAt(long cutStart, long cutEnd) {
            return calledNanos < cutStart && (!future.isSuccess() || doneNanos > cutEnd);
        }
    }

    private enum Status { INTACT, ABSENT, TORN }

    private static final class Record {
        final long seq;
        final long position;
        final int length;
        /** Written with {@link AioRequestOptions#DSYNC}: acknowledged by its own write, not by an fdatasync. */
        final boolean dsync;
        Future<Integer> write;
        long issuedNanos;
        volatile long doneNanos;
        /** The fdatasync called after this write completed. Writer thread; read after the writer finished. */
        Sync coveredBy;
        Status status;

        Record(long seq, long position, int length, boolean dsync) {
            this.seq = seq;
            this.position = position;
            this.length = length;
            this.dsync = dsync;
        }

        /**
         * A DSYNC write whose own success, or a plain write covered by an fdatasync whose success, was seen (stamped
         * on the loop) before the cut began.
         */
        boolean acknowledgedBefore(long cutStart) {
            if (dsync) {
                return write.isSuccess() && doneNanos - cutStart < 0;
            }
            return coveredBy != null && coveredBy.future.isSuccess() && coveredBy.doneNanos - cutStart < 0;
        }

        boolean inFlightAt(long cutStart, long cutEnd) {
            return issuedNanos < cutStart && (!write.isSuccess() || doneNanos > cutEnd);
        }

        byte[] encode(int cycle, int fileId, SplittableRandom random) {
            ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.BIG_ENDIAN);
            b.putInt(MAGIC).putInt(cycle).putInt(fileId).putLong(seq).putInt(length).putInt(0);
            while (b.remaining() >= Long.BYTES) {
                b.putLong(random.nextLong());
            }
            while (b.hasRemaining()) {
                b.put((byte) random.nextInt());
            }
            byte[] bytes = b.array();
            ByteBuffer.wrap(bytes).putInt(CRC_OFFSET, crc(bytes, 0));
            return bytes;
        }

        Status check(byte[] file, int cycle, int fileId) {
            if (position + length > file.length) {
                return position >= file.length || allZero(file, (int) position, file.length) ? Status.ABSENT
                        : Status.TORN;
            }
            int p = (int) position;
            if (allZero(file, p, p + length)) {
                return Status.ABSENT;
            }
            ByteBuffer b = ByteBuffer.wrap(file, p, length).slice();
            boolean header = b.getInt(0) == MAGIC && b.getInt(4) == cycle && b.getInt(8) == fileId
                    && b.getLong(12) == seq && b.getInt(20) == length;
            return header && b.getInt(CRC_OFFSET) == crc(file, p) ? Status.INTACT : Status.TORN;
        }

        private int crc(byte[] bytes, int offset) {
            CRC32C crc = new CRC32C();
            crc.update(bytes, offset, CRC_OFFSET);
            crc.update(bytes, offset + HEADER, length - HEADER);
            return (int) crc.getValue();
        }

        private static boolean allZero(byte[] bytes, int from, int to) {
            for (int i = from; i < to; i++) {
                if (bytes[i] != 0) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public String toString() {
            return "record " + seq + " at " + position + " (" + length + " bytes)";
        }
    }

    /** Counts over all cycles. Test thread only. */
    private static final class Tally {
        long millis;
        String engine;
        int cuts;
        long acked;
        final long[] ackedByFile = new long[2];
        long ackedLost;
        final List<String> lostDetails = new ArrayList<>();
        int timelinesPrinted;
        long unsynced;
        long unsyncedLost;
        long failed;
        long failedIntact;
        long lateAcked;
        long lateAckedLost;
        int cutsDuringSync;
        int cutsDuringWrite;
        int cutsDuringDsyncWrite;
        long syncs;
        final Map<String, Integer> failures = new TreeMap<>();

        void print(long seed) {
            System.out.printf("power cuts on the %s engine: seed %d, %d cuts in %.1f s (%d ms each); cuts with an "
                            + "fdatasync in flight %d, with a write in flight %d, with a DSYNC write in flight %d; "
                            + "fdatasyncs %d; "
                            + "acknowledged records: O_DIRECT %d, buffered %d; completed but unsynced: %d, lost %d; "
                            + "failed: %d, intact after all %d; answered success only during or after the cut (not "
                            + "acknowledgements): %d, lost %d; failures: %s%n",
                    engine, seed, cuts, millis / 1000.0, millis / Math.max(1, cuts), cutsDuringSync, cutsDuringWrite,
                    cutsDuringDsyncWrite, syncs, ackedByFile[0], ackedByFile[1], unsynced, unsyncedLost, failed,
                    failedIntact, lateAcked, lateAckedLost, failures);
        }

        void assertFailuresAreTheCuts() {
            for (String failure : failures.keySet()) {
                assertTrue(failure.endsWith(" EIO") || failure.endsWith(" EROFS"),
                        () -> "requests in flight at a cut, or made after it, fail with EIO or EROFS: " + failures);
            }
        }
    }
}
