package io.nettyaio.channel;

import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * Requests waiting, in order, for a kernel slot or a blocking thread. Continuations (the rest of a short write or of
 * readFully) go to the front: they were accepted before anything behind them. Loop thread only.
 */
final class WaitingRequests {
    private final ArrayDeque<IoRequest> queue = new ArrayDeque<>();

    void add(IoRequest r) {
        queue.add(r);
    }

    void addFirst(IoRequest r) {
        queue.addFirst(r);
    }

    IoRequest poll() {
        return queue.poll();
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    int size() {
        return queue.size();
    }

    /** Removes the request whose promise is {@code promise}, if it still waits. */
    IoRequest remove(Object promise) {
        for (Iterator<IoRequest> it = queue.iterator(); it.hasNext(); ) {
            IoRequest r = it.next();
            if (r.promise() == promise) {
                it.remove();
                return r;
            }
        }
        return null;
    }

    /**
     * Fails, with {@link ClosedChannelException}, the waiting requests that never started.
     *
     * @param file only this file's; {@code null}: every file's
     * @param keepContinuations leave requests that made progress in the queue, to finish
     */
    void failNotStarted(FileState file, boolean keepContinuations, BlockingLane.Results results) {
        if (queue.isEmpty()) {
            return;
        }
        ArrayDeque<IoRequest> failed = new ArrayDeque<>();
        for (Iterator<IoRequest> it = queue.iterator(); it.hasNext(); ) {
            IoRequest r = it.next();
            if ((file == null || r.file() == file) && (!keepContinuations || r.done() == 0)) {
                it.remove();
                failed.add(r);
            }
        }
        IoRequest r;
        while ((r = failed.poll()) != null) {
            results.failNotRun(r, new ClosedChannelException());
        }
    }
}
