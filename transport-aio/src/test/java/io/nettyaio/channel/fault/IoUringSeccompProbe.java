package io.nettyaio.channel.fault;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.nettyaio.channel.AioEventLoopGroup;
import io.nettyaio.channel.AioFileChannel;
import io.nettyaio.channel.AioIoUring;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;

/**
 * Run by {@link IoUringSeccompTest} in a child JVM under a seccomp filter: prints what the io_uring engine's
 * availability says and which engine a file then runs on, after reading the file.
 */
public final class IoUringSeccompProbe {
    private IoUringSeccompProbe() { }

    public static void main(String[] args) throws Exception {
        System.out.println("SECCOMP-PROBE STARTED");
        Path file = Paths.get(args[0]);
        Files.write(file, "served anyway".getBytes(StandardCharsets.US_ASCII));
        AioEventLoopGroup group = new AioEventLoopGroup(1, 8);
        try (AioFileChannel ch = AioFileChannel.open(file, group.next())) {
            ByteBuf dst = Unpooled.buffer(16);
            int n = ch.read(dst, 0).get(30, TimeUnit.SECONDS);
            System.out.println("available=" + AioIoUring.isAvailable());
            System.out.println("cause=" + AioIoUring.unavailabilityCause());
            System.out.println("engine=" + ch.engine());
            System.out.println("read=" + dst.toString(0, n, StandardCharsets.US_ASCII));
            dst.release();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
        System.out.println("SECCOMP-PROBE OK");
    }
}
