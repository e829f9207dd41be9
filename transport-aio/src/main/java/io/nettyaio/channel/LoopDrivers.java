package io.nettyaio.channel;

import io.netty.util.concurrent.EventExecutor;

/**
 * Picks the {@link LoopDriver} for the executor a file is opened with. Netty's epoll and io_uring transports are
 * optional dependencies: their classes are touched only after a check that they are present, so nothing here fails
 * to load without them.
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
     * @return the executor's own driver when it is an {@link AioEventLoop}, a Netty 4.2 io_uring {@code IoEventLoop}
     *         (io_uring engine) or epoll {@code IoEventLoop} (Linux AIO) whose engine is available and allowed
     *         ({@link AioEngines}); otherwise a loop of the default group, which then reaps for the executor
     */
    static LoopDriver forExecutor(EventExecutor executor) {
        if (executor instanceof AioEventLoop) {
            return ((AioEventLoop) executor).driver();
        }
        if (IoUringClasses.PRESENT && AioEngines.allowsOnNettyLoop(AioEngines.IO_URING) && AioIoUring.isAvailable()) {
            LoopDriver driver = IoUringLoopDriver.forExecutor(executor);
            if (driver != null) {
                return driver;
            }
        }
        if (EPOLL_CLASSES_PRESENT && AioEngines.allowsOnNettyLoop(AioEngines.LINUX_AIO) && Aio.isAvailable()) {
            LoopDriver driver = EpollLoopDriver.forExecutor(executor);
            if (driver != null) {
                return driver;
            }
        }
        return AioEventLoopGroup.Default.instance().next().driver();
    }
}
