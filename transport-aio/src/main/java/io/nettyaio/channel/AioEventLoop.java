package io.nettyaio.channel;

import io.netty.util.concurrent.RejectedExecutionHandlers;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.nettyaio.linux.NativeIoException;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A completion loop: one thread that owns one engine and what it was opened with (with Linux AIO: an AIO context and
 * an eventfd). It sleeps in {@code io_getevents}, which returns on a completion, when another thread (with a new
 * task) writes the eventfd, or when the timerfd set to its next scheduled task expires
 * ({@code io.nettyaio.waitInGetevents=false}: in {@code poll(2)} on the eventfd, which the kernel signals too); each
 * turn it reaps every ready completion, runs tasks (requests handed over from other threads among them), and submits
 * everything prepared during the turn with one {@code io_submit}. Where Linux AIO is unavailable it runs the blocking
 * engine instead, with the same API.
 *
 * <p>Shutdown ({@code shutdownGracefully}) lets submitted requests finish, fails requests still waiting for a slot
 * with {@code ClosedChannelException}, closes the files bound to the loop, and frees the context.
 *
 * <p>Obtain loops from an {@link AioEventLoopGroup}; pass one to {@link AioFileChannel#open(java.nio.file.Path,
 * io.netty.util.concurrent.EventExecutor, java.nio.file.OpenOption...)} to run that file's completions, and its
 * promise listeners, on this thread.
 */
public final class AioEventLoop extends SingleThreadEventExecutor {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(AioEventLoop.class);
    private static final long MAX_SLEEP_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long SHUTDOWN_SLEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /**
     * Tasks run at most this long per turn before completions are reaped again and shutdown is checked: requests
     * that complete at once (page-cache hits) can make listeners add tasks as fast as they run. The clock is read
     * after every task ({@link #runTasks}), so a turn overruns the budget by one task at most.
     */
    private static final long TASK_BUDGET_NANOS = TimeUnit.MICROSECONDS.toNanos(250);
    /**
     * System property, default 0 (off): with requests in the kernel and nothing else to do, the loop looks for their
     * completions this many microseconds, on the CPU, before it sleeps (Seastar's and SPDK's way). It trades a core
     * for the wake-up: a completion is seen within one look (a read of the ring with Linux AIO, a non-waiting
     * {@code io_uring_enter} with io_uring), and the loop does not sleep while a request takes less than the bound.
     * On a virtual machine, whose host wakes a sleeping virtual CPU late now and then, it brought the loop's stall on
     * cold reads under a millisecond in most runs, where sleeping never did (BENCHMARKS.md section 9). Read when a
     * group is created; the time spent is counted in {@link AioMetrics#busyPollNanos()}.
     */
    static final String BUSY_POLL_PROP_NAME = "io.nettyaio.busyPollMicros";

    private final AioLoopDriver driver;
    private final IoEngine engine;
    /** How long the loop busy-polls before it sleeps ({@link #BUSY_POLL_PROP_NAME}); 0: it sleeps at once. */
    private final long busyPollNanos;
    /** The time slice the loop's thread asks for ({@link LoopThreadSlice}); 0: its slice is left as it is. */
    private final long sliceNanos;
    /** True while the loop is (about to be) asleep: only then does a wakeup need to ring the doorbell. */
    private final AtomicBoolean sleeping = new AtomicBoolean();

    AioEventLoop(AioEventLoopGroup parent, Executor executor, int capacity, BlockingIoExecutor blocking,
                 long busyPollNanos, long sliceNanos) {
        // A queue that supports remove(Object): a task offered while the loop shuts down is then taken back and
        // rejected by Netty. With an MPSC queue, which cannot remove, such a task was dropped unrun at termination.
        super(parent, executor, false, new ConcurrentLinkedQueue<Runnable>(), RejectedExecutionHandlers.reject());
        try {
            this.driver = AioLoopDriver.open(this, capacity, blocking);
        } catch (NativeIoException e) {
            throw new IllegalStateException("cannot create AIO completion loop with capacity " + capacity + ": "
                    + e.getMessage(), e);
        }
        this.engine = driver.engine();
        this.busyPollNanos = busyPollNanos;
        this.sliceNanos = sliceNanos;
    }

    LoopDriver driver() {
        return driver;
    }

    /**
     * The loop's counters. Read from any thread for a recent picture (see {@link AioMetrics}).
     *
     * @return the counters
     */
    public AioMetrics metrics() {
        return engine.metrics();
    }

    /** @return how many requests this loop can have in the kernel at once (its AIO context's capacity) */
    public int capacity() {
        return engine.capacity();
    }

    /**
     * @return whether this loop submits to the kernel now, with Linux AIO or io_uring (false: the blocking engine,
     *         where neither is available, or until a loop that started short of a resource gets it)
     */
    public boolean usesAio() {
        return !BlockingEngine.NAME.equals(engine.name());
    }

    /** @return the engine this loop runs now: see {@link AioEngines} */
    public String engine() {
        return engine.name();
    }

    @Override
    protected void run() {
        driver.doorbell().bind(Thread.currentThread());
        LoopThreadSlice.apply(sliceNanos);
        for (;;) {
            turn();
            if (isShuttingDown()) {
                engine.stopAccepting();
                if (!engine.hasWork() && confirmShutdown()) {
                    break;
                }
            }
        }
    }

    /**
     * One turn of the loop: sleep if there is nothing to do, reap, run tasks, submit. A method of its own so that the
     * JIT compiles it after a few thousand turns: {@link #run()} is called once, so its loop body is only compiled
     * on-stack, after tens of thousands of turns (about 6 s at depth 1 on a disk, interpreted and then profiled code
     * until then).
     */
    private void turn() {
        try {
            // Completions already in the ring (a fast device, or one that completes inside io_submit): reaping
            // them costs no system call, where sleeping would cost one and return at once
            if (!hasTasks() && !engine.hasCompletions() && !busyPoll()) {
                sleep();
            }
            Object stall = AioJfr.beginTurn();
            engine.reap();
            runTasks(TASK_BUDGET_NANOS);
            engine.flush();
            AioJfr.endTurn(stall, engine.name());
        } catch (Throwable t) {
            logger.warn("Unexpected exception in the AIO completion loop", t);
        }
    }

    /**
     * Runs due scheduled tasks, then queued tasks, until none is left or {@code budgetNanos} is spent. Netty's
     * {@code runAllTasks(timeout)} reads the clock only every 64 tasks: 64 listeners that each chain a few cached
     * reads held the loop for a second in a test, with a scheduled task due all along.
     */
    private void runTasks(long budgetNanos) {
        long deadline = ticker().nanoTime() + budgetNanos;
        boolean ran = false;
        for (;;) {
            Runnable task = pollScheduledTask();
            if (task == null) {
                task = pollTask();
                if (task == null) {
                    break;
                }
            }
            safeExecute(task);
            ran = true;
            if (ticker().nanoTime() - deadline >= 0) {
                break;
            }
        }
        if (ran) {
            updateLastExecutionTime();
        }
        afterRunningAllTasks();
    }

    /**
     * Looks for completions, tasks and a due scheduled task for up to {@link #busyPollNanos}, while requests are in
     * the kernel.
     *
     * @return whether the loop has something to do now (false: it should sleep)
     */
    private boolean busyPoll() {
        if (busyPollNanos == 0 || !engine.hasKernelWork() || !engine.canPollCompletions() || isShuttingDown()) {
            return false;
        }
        long start = ticker().nanoTime();
        long end = start + busyPollNanos;
        long taskDue = deadlineNanos();
        for (;;) {
            boolean found = engine.pollCompletions() || hasTasks();
            long now = ticker().nanoTime();
            boolean work = found || now - taskDue >= 0;
            if (work || now - end >= 0) {
                engine.metrics().recordBusyPoll(now - start, work);
                return work;
            }
            Thread.onSpinWait();
        }
    }

    /**
     * @return the busy-poll bound the system property asks for, in nanoseconds
     * @throws IllegalArgumentException when it is not a whole number of microseconds from 0 to 1,000,000
     */
    static long busyPollNanos() {
        return busyPollNanos(System.getProperty(BUSY_POLL_PROP_NAME));
    }

    static long busyPollNanos(String value) {
        return MicrosProperty.nanos(BUSY_POLL_PROP_NAME, value, 0, 0, 1_000_000,
                "microseconds, 0 to 1000000; 0 turns busy polling off");
    }

    private void sleep() throws Exception {
        // Both in the ticker's time base. Not delayNanos(ticker().nanoTime()): that method expects an absolute
        // System.nanoTime() and subtracts the ticker's start, so every poll waited the 1 s maximum.
        long nanos = isShuttingDown() ? SHUTDOWN_SLEEP_NANOS
                : Math.min(MAX_SLEEP_NANOS, deadlineNanos() - ticker().nanoTime());
        if (nanos <= 0) {
            return; // a scheduled task is due: run it now rather than sleep
        }
        sleeping.set(true);
        try {
            // A task added after the check in run() saw sleeping == true and rang the doorbell, or is seen here.
            // Not rounded to milliseconds: a task due in 0.3 ms ran up to 0.7 ms late (BENCHMARKS.md section 8).
            if (!hasTasks()) {
                driver.doorbell().await(nanos);
            }
        } finally {
            sleeping.set(false);
        }
    }

    @Override
    protected void wakeup(boolean inEventLoop) {
        if (!inEventLoop && sleeping.compareAndSet(true, false)) {
            driver.doorbell().ring();
        }
    }

    @Override
    protected void cleanup() {
        driver.close();
    }
}
