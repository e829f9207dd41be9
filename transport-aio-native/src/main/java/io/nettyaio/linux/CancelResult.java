package io.nettyaio.linux;

/**
 * What {@link AioContext#cancel(long)} achieved. Linux never cancels file reads or writes (measured: EINVAL for
 * in-flight O_DIRECT reads on ext4 and FUSE); only {@code IOCB_CMD_POLL} can be cancelled, and even then the kernel
 * answers EINPROGRESS and delivers the cancelled event through the ring with {@code res = 0}.
 */
public enum CancelResult {
    /** io_cancel returned 0: the request was cancelled and no event will be delivered for it. */
    CANCELLED,
    /** EINPROGRESS: cancellation started; the event still arrives and must be reaped. */
    IN_PROGRESS,
    /** EINVAL (or EAGAIN): not cancellable (file I/O) or already completed; the event arrives or has arrived. */
    NOT_CANCELLABLE
}
