package io.nettyaio.examples.http;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

/**
 * Picks the socket transport: native epoll when it is available, which also lets {@code AioFileChannel} complete
 * file I/O on the very loop that owns the connection, and NIO otherwise.
 * <p>
 * The epoll classes are reached by reflection: the examples' pom brings them in at runtime scope only, and this
 * way nothing breaks where they are absent.
 */
final class Transports {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(Transports.class);
    private static final String EPOLL_PACKAGE = "io.netty.channel.epoll.";
    private static final Class<? extends ServerChannel> EPOLL_SERVER_CHANNEL = loadEpoll();

    private Transports() { }

    /** @return a factory of epoll or NIO I/O handlers for a {@code MultiThreadIoEventLoopGroup} */
    static IoHandlerFactory ioHandlerFactory() {
        if (EPOLL_SERVER_CHANNEL == null) {
            return NioIoHandler.newFactory();
        }
        try {
            return (IoHandlerFactory) Class.forName(EPOLL_PACKAGE + "EpollIoHandler").getMethod("newFactory")
                    .invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("epoll was available a moment ago", e);
        }
    }

    /** @return the server channel class matching {@link #ioHandlerFactory()} */
    static Class<? extends ServerChannel> serverChannelClass() {
        return EPOLL_SERVER_CHANNEL != null ? EPOLL_SERVER_CHANNEL : NioServerSocketChannel.class;
    }

    /** @return {@code epoll} or {@code nio} */
    static String name() {
        return EPOLL_SERVER_CHANNEL != null ? "epoll" : "nio";
    }

    private static Class<? extends ServerChannel> loadEpoll() {
        try {
            Class<?> epoll = Class.forName(EPOLL_PACKAGE + "Epoll");
            if (!(Boolean) epoll.getMethod("isAvailable").invoke(null)) {
                logger.debug("epoll unavailable, using NIO", (Throwable) epoll.getMethod("unavailabilityCause")
                        .invoke(null));
                return null;
            }
            return Class.forName(EPOLL_PACKAGE + "EpollServerSocketChannel").asSubclass(ServerChannel.class);
        } catch (ReflectiveOperationException | LinkageError e) {
            logger.debug("epoll classes absent, using NIO", e);
            return null;
        }
    }
}
