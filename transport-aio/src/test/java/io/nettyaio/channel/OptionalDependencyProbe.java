package io.nettyaio.channel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.ImmediateEventExecutor;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** Run by {@link OptionalDependencyTest} inside a class loader that has no netty-transport or Micrometer jars. */
public final class OptionalDependencyProbe {
    private OptionalDependencyProbe() { }

    /** Writes and reads a file through every way of opening a channel; returns what it read. */
    public static String run(String file) throws Exception {
        Path path = Paths.get(file);
        AioEventLoopGroup group = new AioEventLoopGroup(1, 8);
        try {
            StringBuilder out = new StringBuilder();
            AtomicLong measured = new AtomicLong();
            AioEventLoop loop = group.next();
            loop.metrics().latencyListener(nanos -> measured.incrementAndGet());
            try (AioFileChannel ch = AioFileChannel.open(path, loop, StandardOpenOption.WRITE,
                    StandardOpenOption.READ, StandardOpenOption.CREATE)) {
                ByteBuf src = Unpooled.copiedBuffer("no-transport", StandardCharsets.US_ASCII);
                ch.write(src, 0).sync();
                src.release();
            }
            if (measured.get() == 0) {
                throw new AssertionError("no latency reported: " + loop.metrics().snapshot());
            }
            // a plain executor: completions are reaped by the default group
            try (AioFileChannel ch = AioFileChannel.open(path, ImmediateEventExecutor.INSTANCE)) {
                ByteBuf dst = Unpooled.buffer(64);
                if (!ch.read(dst, 0).await(30, TimeUnit.SECONDS)) {
                    throw new AssertionError("read did not complete");
                }
                out.append(dst.toString(StandardCharsets.US_ASCII));
                dst.release();
            }
            return out.toString();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
