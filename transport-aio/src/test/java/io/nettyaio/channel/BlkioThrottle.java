package io.nettyaio.channel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * A cgroup-v1 blkio write throttle for single threads (as root): every byte a thread in the group writes to the
 * device of a given file is limited to a rate, so a write such a thread does itself takes visibly long. Reads are not
 * throttled: a NOWAIT buffered read still starts readahead in the caller's name, and throttling that would delay the
 * caller for I/O it never waits for.
 * Threads move back to the root group on {@link #close()}, which also removes the group.
 */
final class BlkioThrottle implements AutoCloseable {
    private static final Path ROOT = Paths.get("/sys/fs/cgroup/blkio");
    private final Path group;

    /** @return null when a throttle can be set up here, else why not */
    static String unavailableReason() {
        if (!Files.isWritable(ROOT.resolve("tasks"))) {
            return "needs root and cgroup v1 blkio at " + ROOT;
        }
        return null;
    }

    BlkioThrottle(Path onDeviceOf, long bytesPerSecond) throws IOException {
        long dev = (Long) Files.getAttribute(onDeviceOf, "unix:dev");
        long major = (dev >>> 8) & 0xfff | (dev >>> 32) & ~0xfffL;
        long minor = dev & 0xff | (dev >>> 12) & ~0xffL;
        group = ROOT.resolve("netty-aio-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        Files.createDirectory(group);
        write(group.resolve("blkio.throttle.write_bps_device"), major + ":" + minor + " " + bytesPerSecond);
    }

    /** Moves a thread (by kernel thread id) into the throttled group. */
    void add(int tid) throws IOException {
        write(group.resolve("tasks"), Integer.toString(tid));
    }

    @Override
    public void close() throws IOException {
        for (String tid : Files.readAllLines(group.resolve("tasks"))) {
            if (!tid.isBlank()) {
                try {
                    write(ROOT.resolve("tasks"), tid.trim());
                } catch (IOException e) {
                    // ESRCH: the thread ended since the list was read (an io-wq worker, say); nothing to move
                    if (Files.exists(Paths.get("/proc/self/task", tid.trim()))) {
                        throw e;
                    }
                }
            }
        }
        Files.delete(group);
    }

    private static void write(Path file, String line) throws IOException {
        Files.write(file, line.getBytes(StandardCharsets.US_ASCII));
    }
}
