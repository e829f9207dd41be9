package io.nettyaio.examples.bench;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Daemon threads with readable names, so that a stuck run never keeps the JVM alive and shows up in jstack. */
final class DaemonThreads {
    private DaemonThreads() { }

    static ThreadFactory named(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, prefix + "-" + count.getAndIncrement());
            thread.setDaemon(true);
            return thread;
        };
    }
}
