package io.nettyaio.linux;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Shared set-up: a directory under target/ (never /tmp: tmpfs ignores O_DIRECT) and a leak check after each test. */
abstract class NativeTestSupport {
    static final Path DIR = Paths.get("target", "native-test").toAbsolutePath();
    private String before;

    @BeforeEach
    void recordResources() throws IOException {
        Files.createDirectories(DIR);
        LinuxAio.ensureAvailability();
        before = NativeResources.summary();
    }

    @AfterEach
    void assertNoLeak() {
        assertEquals(before, NativeResources.summary(), "native resources leaked by the test");
    }

    static Path randomFile(String name, int size) throws IOException {
        Path p = DIR.resolve(name);
        byte[] bytes = new byte[size];
        ThreadLocalRandom.current().nextBytes(bytes);
        Files.write(p, bytes);
        return p;
    }

    static byte[] bytes(NativeMemory memory, int offset, int length) {
        byte[] out = new byte[length];
        ByteBuffer view = memory.buffer().duplicate();
        view.position(offset).limit(offset + length);
        view.get(out);
        return out;
    }

    static void fill(NativeMemory memory, byte[] src) {
        ByteBuffer view = memory.buffer().duplicate();
        view.position(0);
        view.put(src);
    }

    /** Waits (blocking io_getevents with a deadline) until {@code n} events are reaped into {@code sink}. */
    static void awaitEvents(AioContext ctx, int n, CompletionHandler sink) throws IOException {
        IoEventArray events = new IoEventArray(Math.max(1, Math.min(n, 256)));
        try {
            long deadline = System.nanoTime() + 30_000_000_000L;
            int got = 0;
            while (got < n) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("timed out: " + got + " of " + n + " events");
                }
                int k = ctx.getEvents(events, 1, Math.min(events.capacity(), n - got), 1_000_000_000L);
                for (int i = 0; i < k; i++) {
                    sink.onCompletion(events.data(i), events.obj(i), events.res(i), events.res2(i));
                }
                got += k;
            }
        } finally {
            events.free();
        }
    }
}
