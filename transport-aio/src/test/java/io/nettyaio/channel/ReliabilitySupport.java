package io.nettyaio.channel;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.nettyaio.linux.NativeIoException;
import io.nettyaio.linux.NativeResources;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Helpers shared by the reliability tests: waiting with deadlines, error assertions, resource snapshots. */
final class ReliabilitySupport {
    /** Where the reliability tests put their files: the module's target/, a real disk filesystem (never tmpfs). */
    static final Path DIR = Paths.get("target", "reliability-test").toAbsolutePath();
    static final int BLOCK = 4096;
    static final long TIMEOUT_SECONDS = 60;

    private ReliabilitySupport() { }

    /** Skips (visibly) where Linux AIO is off, e.g. the surefire execution that runs the fallback engine. */
    static void assumeLinuxAio() {
        Assumptions.assumeTrue(Aio.isAvailable(), () -> "Linux AIO is unavailable: " + Aio.unavailabilityCause());
    }

    /** @return whether our own loops run the Linux AIO engine (not io_uring, not the blocking engine) */
    static boolean ownLoopsRunLinuxAio() {
        return AioEngines.LINUX_AIO.equals(AioEngines.forOwnLoops());
    }

    static Path file(String name) throws IOException {
        Files.createDirectories(DIR);
        Path f = DIR.resolve(name);
        Files.deleteIfExists(f);
        return f;
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Waits for {@code f} and returns its value; fails the test on timeout or failure (with the cause). */
    static <T> T await(Future<T> f) throws InterruptedException {
        assertTrue(f.await(TIMEOUT_SECONDS, TimeUnit.SECONDS), "future did not complete in " + TIMEOUT_SECONDS + " s");
        if (!f.isSuccess()) {
            throw new AssertionError("expected success", f.cause());
        }
        return f.getNow();
    }

    /** Waits for {@code f} and returns why it failed; fails the test on timeout or success. */
    static Throwable failure(Future<?> f) throws InterruptedException {
        assertTrue(f.await(TIMEOUT_SECONDS, TimeUnit.SECONDS), "future did not complete in " + TIMEOUT_SECONDS + " s");
        assertFalse(f.isSuccess(), () -> "expected failure, got " + f.getNow());
        return f.cause();
    }

    /** Asserts {@code f} failed with a {@link NativeIoException} of that errno name and operation; returns it. */
    static NativeIoException assertNativeFailure(String errnoName, String operation, Future<?> f)
            throws InterruptedException {
        Throwable t = failure(f);
        NativeIoException e = assertInstanceOf(NativeIoException.class, t, () -> "got " + t);
        assertEquals(errnoName, e.errnoName(), e.getMessage());
        assertEquals(operation, e.operation(), e.getMessage());
        return e;
    }

    /** Number of open descriptors of this process ({@code /proc/self/fd}). */
    static long openDescriptors() {
        try (Stream<Path> fds = Files.list(Paths.get("/proc/self/fd"))) {
            return fds.count() - 1; // the directory stream itself holds one
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the names of the live threads whose name starts with {@code prefix} */
    static java.util.Set<String> threads(String prefix) {
        java.util.Set<String> names = new java.util.TreeSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(prefix) && t.isAlive()) {
                names.add(t.getName());
            }
        }
        return names;
    }

    /** Asserts no {@code aio-blocking} thread runs beyond those of {@code before} (a group's pool that failed). */
    static void assertNoNewBlockingThreads(java.util.Set<String> before) {
        java.util.Set<String> now = threads("aio-blocking");
        now.removeAll(before);
        assertTrue(now.isEmpty(), () -> "blocking threads left behind: " + now);
    }

    /** The library's native resource counters plus the process's descriptor count, at one moment. */
    static final class Resources {
        final long files = NativeResources.openFiles();
        final long contexts = NativeResources.openContexts();
        final long contextEvents = NativeResources.contextEvents();
        final long eventFds = NativeResources.openEventFds();
        final long memoryBytes = NativeResources.memoryBytes();
        final long descriptors = openDescriptors();

        /** Asserts nothing of the library's is held beyond what {@code this} snapshot held. */
        void assertNativeUnchanged() {
            Resources now = new Resources();
            assertEquals(files, now.files, () -> "open files: " + NativeResources.summary());
            assertEquals(contexts, now.contexts, () -> "AIO contexts: " + NativeResources.summary());
            assertEquals(contextEvents, now.contextEvents, () -> "context events: " + NativeResources.summary());
            assertEquals(eventFds, now.eventFds, () -> "eventfds: " + NativeResources.summary());
        }

        /** Asserts the library's off-heap memory is back to what {@code this} snapshot held. */
        void assertMemoryUnchanged() {
            assertEquals(memoryBytes, NativeResources.memoryBytes(), () -> "memory: " + NativeResources.summary());
        }

        @Override
        public String toString() {
            return "files=" + files + ", contexts=" + contexts + ", contextEvents=" + contextEvents
                    + ", eventFds=" + eventFds + ", descriptors=" + descriptors;
        }
    }

    /**
     * Channels opened for one test, closed (and their close awaited) by {@link #close()}: declare it after the
     * fixture in try-with-resources so the files are closed before their filesystem is unmounted.
     */
    static final class Channels implements AutoCloseable {
        private final EventExecutor executor;
        private final List<AioFileChannel> opened = new ArrayList<>();

        Channels(EventExecutor executor) {
            this.executor = executor;
        }

        AioFileChannel open(Path path, OpenOption... options) throws IOException {
            AioFileChannel ch = AioFileChannel.open(path, executor, options);
            opened.add(ch);
            return ch;
        }

        @Override
        public void close() {
            for (AioFileChannel ch : opened) {
                Future<Void> closed = ch.closeAsync();
                assertTrue(closed.awaitUninterruptibly(TIMEOUT_SECONDS, TimeUnit.SECONDS),
                        "close of " + ch + " did not complete");
                assertTrue(closed.isSuccess(), () -> "close of " + ch + " failed: " + closed.cause());
            }
        }
    }
}
