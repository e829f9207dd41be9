package io.nettyaio.channel;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The files open on one {@link LoopDriver}, so that the driver can close them when its loop goes away. Adding and
 * removing are thread-safe (files open and close on any thread).
 */
final class OpenFiles {
    private final Set<FileState> files = ConcurrentHashMap.newKeySet();

    void add(FileState file) {
        files.add(file);
    }

    void remove(FileState file) {
        files.remove(file);
    }

    /** Closes every file still open; their requests are all finished by then (the engine is closed). */
    void closeAll() {
        try {
            for (FileState file : files) {
                file.finishClose();
            }
        } finally {
            files.clear();
        }
    }
}
