package io.nettyaio.channel;

import io.netty.util.concurrent.EventExecutor;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The fallback engine, where Linux AIO is unavailable: files are JDK {@link java.nio.channels.FileChannel}s and every
 * request runs on the {@link BlockingLane}, its result handled on the loop like any other. Loop thread only.
 */
final class BlockingEngine extends AbstractIoEngine {
    BlockingEngine(EventExecutor loop, BlockingIoExecutor blocking) {
        super("blocking", loop, blocking);
    }

    @Override
    public int capacity() {
        return lane.limit();
    }

    @Override
    public FileIo openFile(Path path, OpenOptions options) throws IOException {
        return JdkFileIo.open(path, options);
    }

    @Override
    void route(IoRequest r, boolean continuation) {
        toBlocking(r);
    }

    @Override
    public void flush() {
        // every request went to its thread when it was routed
    }

    @Override
    public void reap() {
        // results come back to the loop as tasks
    }

    @Override
    public void close() {
        if (beginClose()) {
            lane.awaitIdle();
        }
    }
}
