package io.nettyaio.linux;

/**
 * Receives reaped completion events from {@link AioContext#reap(CompletionHandler, int)}, one call per event, on the
 * reaping thread. The event is already consumed from the ring when this is called, so an exception thrown here
 * loses nothing but the rest of that reap call (the remaining events stay in the ring for the next one).
 */
@FunctionalInterface
public interface CompletionHandler {
    /**
     * @param userData the iocb's {@code aio_data}
     * @param iocbAddress the iocb's address ({@code io_event.obj})
     * @param res bytes transferred (may be short), or {@code -errno}
     * @param res2 the secondary result (0 for file I/O)
     */
    void onCompletion(long userData, long iocbAddress, long res, long res2);
}
