package io.nettyaio.channel;

import io.netty.util.concurrent.EventExecutor;

/**
 * Picks the {@link LoopDriver} for the executor a file is opened with. Netty's epoll transport is an optional
 * dependency: its classes are touched only after a check that they are present, so nothing here fails to load
 * without them.
 */
final class LoopDrivers {
    private static final boolean EPOLL_CLASSES_PRESENT = isPresent("io.netty.channel.IoEventLoop")
            && isPresent("io.netty.channel.epoll.EpollIoHandle");

    private LoopDrivers() { }

    private static boolean isPresent(String className) {
        try {
            Class.forName(className, false, LoopDrivers.class.getClassLoader());
            return true;
        } catch (Throwable t) {
            return false;
        }
    }

    /**
     * @return the executor's own driver when it is an {@link AioEventLoop}, or a Netty 4.2 epoll {@code IoEventLoop}
     *         where Linux AIO is available; otherwise a loop of the default group, which then reaps for the executor
     */
    static LoopDriver forExecutor(EventExecutor executor) {
        if (executor instanceof AioEventLoop) {
            return ((AioEventLoop) executor).driver();
        }
        if (EPOLL_CLASSES_PRESENT && Aio.isAvailable()) {
            LoopDriver driver = EpollLoopDriver.forExecutor(executor);
            if (driver != null) {
                return driver;
            }
        }
        return AioEventLoopGroup.Default.instance().next().driver();
    }
}
