package io.nettyaio.linux;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Custom scheduler slices (Linux 6.12+) on the calling thread: set, clamped, reset, with the nice value kept. */
class NativeThreadSliceTest extends NativeTestSupport {

    @Test
    void shouldSetTheSliceAndKeepTheNiceValue() throws Exception {
        onFreshThread(() -> {
            int tid = NativeThread.currentThreadId();
            renice(tid, 5);
            assertEquals(5, nice(tid));
            long defaultSlice = NativeThread.schedulerSlice();
            if (defaultSlice == 0) { // before Linux 6.12: accepted, ignored, nothing else changed
                assertEquals(0, NativeThread.setSchedulerSlice(250_000));
                assertEquals(5, nice(tid), "the nice value is kept");
                return null;
            }
            assertEquals(250_000, NativeThread.setSchedulerSlice(250_000));
            assertEquals(250_000, NativeThread.schedulerSlice());
            assertEquals(5, nice(tid), "the nice value is kept");

            assertEquals(100_000, NativeThread.setSchedulerSlice(1), "the kernel clamps to 0.1 ms");
            assertEquals(100_000_000, NativeThread.setSchedulerSlice(500_000_000), "and to 100 ms");
            assertEquals(defaultSlice, NativeThread.setSchedulerSlice(0), "0 returns to the default");
            assertEquals(5, nice(tid));
            return null;
        });
    }

    @Test
    void shouldNotTouchOtherThreadsNorPassTheSliceToThreadsItStarts() throws Exception {
        long mine = NativeThread.schedulerSlice();
        assumeTrue(mine > 0, "this kernel reports no slice (custom slices need Linux 6.12)");
        long child = onFreshThread(() -> {
            assertEquals(300_000, NativeThread.setSchedulerSlice(300_000));
            return onFreshThread(NativeThread::schedulerSlice);
        });
        assertEquals(mine, child, "a thread started by one with a custom slice has the default one");
        assertEquals(mine, NativeThread.schedulerSlice());
    }

    @Test
    void shouldRefuseANegativeSlice() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NativeThread.setSchedulerSlice(-1));
        assertEquals("nanos: -1 (expected: >= 0; 0 for the kernel's default)", e.getMessage());
    }

    /** Runs {@code task} on a new thread, so that what it sets dies with that thread. */
    private static <T> T onFreshThread(Callable<T> task) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                result.complete(task.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "slice-test");
        t.start();
        try {
            return result.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof Exception) {
                throw (Exception) e.getCause();
            }
            throw e;
        } finally {
            t.join(TimeUnit.SECONDS.toMillis(30));
        }
    }

    private static void renice(int tid, int nice) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder("renice", "-n", Integer.toString(nice), "-p", Integer.toString(tid))
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, "renice(1) cannot run here: " + e.getMessage());
            throw e;
        }
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "renice: " + out);
    }

    /** Field 19 of /proc/self/task/TID/stat, counted after the command name (which may hold spaces). */
    private static int nice(int tid) throws IOException {
        String stat = new String(Files.readAllBytes(Paths.get("/proc/self/task/" + tid + "/stat")));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(fields[16]);
    }
}
