package io.nettyaio.examples.http;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.util.Locale;

/**
 * The socket transport a {@link FileServer} runs on. Native epoll, where available, also lets
 * {@code AioFileChannel} complete file I/O on the very loop that owns the connection; NIO works everywhere. On
 * io_uring loops, file completions are reaped by the library's default group and handed to the connection's loop
 * (correct, one thread hop more) until the library drives io_uring loops itself.
 * <p>
 * The native transports' classes are reached by reflection, so nothing breaks where they are absent.
 */
public enum SocketTransport {
    /** Netty's native epoll transport (Linux). */
    EPOLL("io.netty.channel.epoll.", "Epoll"),
    /** Netty's native io_uring transport (Linux 5.14+, where the kernel allows io_uring). */
    IO_URING("io.netty.channel.uring.", "IoUring"),
    /** The JDK's NIO selector transport. */
    NIO(null, null);

    private final String packagePrefix;
    private final String classPrefix;
    private Class<? extends ServerChannel> serverChannel;
    private boolean probed;

    SocketTransport(String packagePrefix, String classPrefix) {
        this.packagePrefix = packagePrefix;
        this.classPrefix = classPrefix;
    }

    /** @return {@link #EPOLL} when it is available, else {@link #NIO} */
    public static SocketTransport best() {
        return EPOLL.isAvailable() ? EPOLL : NIO;
    }

    /**
     * @param name {@code epoll}, {@code io_uring} (or {@code io-uring}) or {@code nio}, in any case
     * @return the transport of that name
     * @throws IllegalArgumentException for any other name
     */
    public static SocketTransport of(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT).replace('-', '_'));
    }

    /** @return whether this transport can run here */
    public boolean isAvailable() {
        return serverChannelClass() != null;
    }

    /** @return the transport's name in lower case, e.g. {@code io_uring} */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }

    IoHandlerFactory ioHandlerFactory() {
        if (this == NIO) {
            return NioIoHandler.newFactory();
        }
        try {
            return (IoHandlerFactory) Class.forName(packagePrefix + classPrefix + "IoHandler").getMethod("newFactory")
                    .invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(this + " classes present but unusable", e);
        }
    }

    /** @return the server channel class, or {@code null} when the transport is unavailable (probed once) */
    synchronized Class<? extends ServerChannel> serverChannelClass() {
        if (!probed) {
            serverChannel = packagePrefix == null ? NioServerSocketChannel.class : load(packagePrefix, classPrefix);
            probed = true;
        }
        return serverChannel;
    }

    private static Class<? extends ServerChannel> load(String packagePrefix, String classPrefix) {
        InternalLogger logger = InternalLoggerFactory.getInstance(SocketTransport.class);
        try {
            Class<?> availability = Class.forName(packagePrefix + classPrefix);
            if (!(Boolean) availability.getMethod("isAvailable").invoke(null)) {
                logger.debug("{} unavailable", classPrefix,
                        (Throwable) availability.getMethod("unavailabilityCause").invoke(null));
                return null;
            }
            return Class.forName(packagePrefix + classPrefix + "ServerSocketChannel").asSubclass(ServerChannel.class);
        } catch (ReflectiveOperationException | LinkageError e) {
            logger.debug("{} classes absent", classPrefix, e);
            return null;
        }
    }
}
