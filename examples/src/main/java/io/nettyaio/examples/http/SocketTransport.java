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
 * {@code AioFileChannel} complete file I/O on the very loop that owns the connection; NIO works everywhere.
 * <p>
 * The epoll classes are reached by reflection: the examples' pom brings them in at runtime scope only, and this way
 * nothing breaks where they are absent.
 */
public enum SocketTransport {
    /** Netty's native epoll transport (Linux). */
    EPOLL,
    /** The JDK's NIO selector transport. */
    NIO;

    private static final InternalLogger logger = InternalLoggerFactory.getInstance(SocketTransport.class);
    private static final String EPOLL_PACKAGE = "io.netty.channel.epoll.";
    private static final Class<? extends ServerChannel> EPOLL_SERVER_CHANNEL = loadEpoll();

    /** @return {@link #EPOLL} when it is available, else {@link #NIO} */
    public static SocketTransport best() {
        return EPOLL.isAvailable() ? EPOLL : NIO;
    }

    /** @return whether this transport can run here */
    public boolean isAvailable() {
        return this == NIO || EPOLL_SERVER_CHANNEL != null;
    }

    /** @return the transport's name in lower case, e.g. {@code epoll} */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }

    IoHandlerFactory ioHandlerFactory() {
        if (this == NIO) {
            return NioIoHandler.newFactory();
        }
        try {
            return (IoHandlerFactory) Class.forName(EPOLL_PACKAGE + "EpollIoHandler").getMethod("newFactory")
                    .invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("epoll classes present but unusable", e);
        }
    }

    Class<? extends ServerChannel> serverChannelClass() {
        return this == NIO ? NioServerSocketChannel.class : EPOLL_SERVER_CHANNEL;
    }

    private static Class<? extends ServerChannel> loadEpoll() {
        try {
            Class<?> epoll = Class.forName(EPOLL_PACKAGE + "Epoll");
            if (!(Boolean) epoll.getMethod("isAvailable").invoke(null)) {
                logger.debug("epoll unavailable", (Throwable) epoll.getMethod("unavailabilityCause").invoke(null));
                return null;
            }
            return Class.forName(EPOLL_PACKAGE + "EpollServerSocketChannel").asSubclass(ServerChannel.class);
        } catch (ReflectiveOperationException | LinkageError e) {
            logger.debug("epoll classes absent", e);
            return null;
        }
    }
}
