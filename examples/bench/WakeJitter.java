import io.netty.channel.EventLoop;
import io.netty.channel.ManualIoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.uring.IoUringIoHandler;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * How late a thread that asks to sleep 1 ms wakes up on this machine, with nothing else of ours running: an io_uring
 * ring's wait (Netty's {@code ManualIoEventLoop.run(1 ms)}, what the io_uring engine's loop sleeps in) and
 * {@code LockSupport.parkNanos(1 ms)}. A loop that sleeps cannot keep its stall below this machine's wake-up jitter.
 * Then a thread that does not sleep: it reads the clock for as long as the sleeps took, and reports the longest gap
 * between two readings (how long a running CPU was taken away), what a busy-polling loop
 * ({@code -Dio.nettyaio.busyPollMicros}) is exposed to instead.
 *
 * <p>With {@code --idle-loop SECONDS} it is a witness instead: a Netty io_uring event loop, the kind a server runs,
 * that does no I/O at all and only runs a task due 1 ms after its previous run (the bench's stall probe), for SECONDS.
 * It prints, per 100 ms, the wall-clock start of the slice (ms since the epoch) and the task's worst lateness in it
 * (us). Run beside fio or the bench ({@code cold-compare.sh --witness true}), it shows how late a loop that sleeps
 * is woken while that I/O runs, whoever does the I/O.
 *
 * <p>usage, from the project root after './mvnw -q package -DskipTests':
 * {@code java -cp examples/target/netty-aio-examples.jar examples/bench/WakeJitter.java [SLEEPS]}, or
 * {@code ... WakeJitter.java --idle-loop SECONDS}
 */
public final class WakeJitter {
    private static final long ONE_MS = 1_000_000L;

    public static void main(String[] args) throws InterruptedException {
        if (args.length == 2 && args[0].equals("--idle-loop")) {
            idleLoop(positive("SECONDS", args[1], 86_400));
            return;
        }
        int n = args.length > 0 ? positive("SLEEPS", args[0], 1_000_000) : 5000;
        ManualIoEventLoop ring = new ManualIoEventLoop(null, IoUringIoHandler.newFactory());
        ring.setOwningThread(Thread.currentThread());
        ring.runNow();
        for (int i = 0; i < 200; i++) { // warm-up: the JIT, the ring's first runs
            ring.run(ONE_MS);
            LockSupport.parkNanos(ONE_MS);
        }
        report("io_uring run(1 ms)", n, () -> ring.run(ONE_MS));
        report("parkNanos(1 ms)   ", n, () -> LockSupport.parkNanos(ONE_MS));
        spin(n * ONE_MS);
        ring.shutdownGracefully(0, 0, TimeUnit.SECONDS);
        while (!ring.isTerminated()) {
            ring.runNow();
        }
    }

    private static void idleLoop(int seconds) throws InterruptedException {
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, IoUringIoHandler.newFactory());
        try {
            EventLoop loop = group.next();
            long startMillis = System.currentTimeMillis() + 500; // the first runs are the JIT's and the ring's
            AtomicLongArray maxLateNanos = new AtomicLongArray(seconds * 10);
            long[] due = {System.nanoTime() + ONE_MS};
            loop.scheduleWithFixedDelay(() -> {
                long late = System.nanoTime() - due[0];
                long slice = (System.currentTimeMillis() - startMillis) / 100;
                if (slice >= 0 && slice < maxLateNanos.length()) {
                    maxLateNanos.accumulateAndGet((int) slice, late, Math::max);
                }
                due[0] = System.nanoTime() + ONE_MS;
            }, ONE_MS, ONE_MS, TimeUnit.NANOSECONDS);
            // Each slice is printed once it is over, so a caller that stops this process early keeps what it saw
            for (int i = 0; i < maxLateNanos.length(); i++) {
                long sliceEnd = startMillis + (i + 1) * 100L;
                Thread.sleep(Math.max(0, sliceEnd + 5 - System.currentTimeMillis()));
                System.out.println((sliceEnd - 100) + " " + maxLateNanos.get(i) / 1000);
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    private static int positive(String name, String value, int max) {
        try {
            int n = Integer.parseInt(value);
            if (n >= 1 && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException(name + ": '" + value + "' (expected: an integer from 1 to " + max + ")");
    }

    private static void spin(long nanos) {
        long start = System.nanoTime();
        long prev = start;
        long longest = 0;
        int overOneMs = 0;
        while (prev - start < nanos) {
            long now = System.nanoTime();
            long gap = now - prev;
            longest = Math.max(longest, gap);
            overOneMs += gap > ONE_MS ? 1 : 0;
            prev = now;
        }
        System.out.printf("spinning %d ms: longest gap between two clock readings %d us; gaps over 1 ms: %d%n",
                nanos / ONE_MS, longest / 1000, overOneMs);
    }

    private static void report(String what, int n, Runnable sleep) {
        long[] took = new long[n];
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            sleep.run();
            took[i] = System.nanoTime() - start;
        }
        Arrays.sort(took);
        long over2 = Arrays.stream(took).filter(t -> t > 2 * ONE_MS).count();
        System.out.printf("%s x%d: p50 %d us, p99 %d, p99.9 %d, max %d; longer than 2 ms: %d%n", what, n,
                took[n / 2] / 1000, took[n * 99 / 100] / 1000, took[n * 999 / 1000] / 1000, took[n - 1] / 1000, over2);
    }
}
