package io.nettyaio.channel;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The files opened with an executor that does not run their requests: a Netty epoll loop where Linux AIO is
 * unavailable (a loop of the default group runs them), or any executor that is no loop of ours. They close when that
 * executor terminates, as the files of a loop close with it: requests not yet started fail with
 * {@link java.nio.channels.ClosedChannelException}, started ones finish. Without this they stayed open for as long
 * as the default group lives, bound to an executor that was gone.
 *
 * <p>One instance per executor, with one termination listener; files add and remove themselves (any thread).
 * Executors that never terminate ({@code ImmediateEventExecutor}, {@code GlobalEventExecutor}: their termination
 * future is a failed one from the start) get none.
 */
final class ExecutorFiles {
    private static final ConcurrentMap<EventExecutor, ExecutorFiles> BY_EXECUTOR = new ConcurrentHashMap<>();

    private final Set<FileState> files = ConcurrentHashMap.newKeySet();
    private volatile boolean terminated;

    private ExecutorFiles() { }

    /**
     * Closes {@code file} when {@code executor} terminates; if it has already, closes it now.
     *
     * @return where {@code file} is registered, for {@link #remove}; {@code null} when the executor never terminates
     */
    static ExecutorFiles closeWhenTerminated(FileState file, EventExecutor executor) {
        Future<?> termination = executor.terminationFuture();
        if (termination.isDone() && !termination.isSuccess()) {
            return null;
        }
        ExecutorFiles created = new ExecutorFiles();
        ExecutorFiles bound = BY_EXECUTOR.putIfAbsent(executor, created);
        if (bound == null) {
            bound = created;
            termination.addListener(f -> {
                BY_EXECUTOR.remove(executor, created);
                created.closeAll();
            });
        }
        bound.add(file);
        return bound;
    }

    private void add(FileState file) {
        files.add(file);
        // Read after the add: either closeAll() sees the file, or we see that it ran
        if (terminated) {
            file.closeAsync();
        }
    }

    /** {@code file} is closed: forget it. */
    void remove(FileState file) {
        files.remove(file);
    }

    private void closeAll() {
        terminated = true;
        for (FileState file : files) {
            file.closeAsync();
        }
    }
}
