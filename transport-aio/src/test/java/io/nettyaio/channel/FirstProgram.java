package io.nettyaio.channel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;

import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;

/**
 * A new user's first program, run in a JVM of its own by {@link FirstProgramTest}: open, read, close, return from
 * {@code main} without {@code System.exit}. The JVM must then exit by itself.
 */
public final class FirstProgram {
    private FirstProgram() { }

    /**
     * @param args the file to read, and how to open it: {@code default} (the default group) or {@code epoll} (a Netty
     *             epoll loop, which the program shuts down as Netty programs do)
     */
    public static void main(String[] args) throws Exception {
        MultiThreadIoEventLoopGroup epoll = "epoll".equals(args[1])
                ? new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory()) : null;
        try (AioFileChannel ch = epoll == null ? AioFileChannel.open(Paths.get(args[0]))
                : AioFileChannel.open(Paths.get(args[0]), epoll.next())) {
            ByteBuf dst = Unpooled.directBuffer(64);
            int n = ch.read(dst, 0).sync().getNow();
            System.out.println("read " + n + " bytes on " + ch.engine() + ": " + dst.toString(StandardCharsets.US_ASCII));
            dst.release();
        } finally {
            if (epoll != null) {
                epoll.shutdownGracefully().sync();
            }
        }
    }
}
