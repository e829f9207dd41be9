package io.nettyaio.channel;

import io.netty.util.concurrent.EventExecutor;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The fallback engine: every request runs on the {@link BlockingLane}, its result handled on the loop like any other.
 * Where Linux AIO is unavailable, files are JDK {@link java.nio.channels.FileChannel}s. While a loop waits for a
 * resource Linux AIO needs ({@link RecoveringEngine}), files are native descriptors when the binding is loaded, so
 * that the kernel engine can submit on them once the loop has it. Loop thread only.
 */
final class BlockingEngine extends AbstractIoEngine {
    static final String NAME = "blocking";
    private final boolean nativeFiles;

    /** @param nativeFiles open files as native descriptors when the binding is loaded (else JDK FileChannels) */
    BlockingEngine(EventExecutor loop, BlockingIoExecutor blocking, AioMetrics metrics, boolean nativeFiles) {
        super(NAME, loop, blocking, metrics);
        this.nativeFiles = nativeFiles;
    }

    @Override
    public int capacity() {
        return lane.limit();
    }

    @Override
    public FileIo openFile(Path path, OpenOptions options) throws IOException {
        if (nativeFiles) {
            try {
                return NativeFileIo.open(path, options);
            } catch (UnsatisfiedLinkError e) {
                // the binding is not loaded (no descriptor was free for it): a JDK file serves, on the lane
            }
        }
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
