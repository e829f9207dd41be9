package io.nettyaio.linux;

/**
 * Told by {@link SubmissionQueue#submit(SubmitErrorHandler)} about a control block the kernel rejected at
 * submission (for example EBADF, EINVAL, EOPNOTSUPP). That request alone failed and was removed from the queue;
 * the ones behind it are submitted as usual. Called on the submitting thread.
 */
@FunctionalInterface
public interface SubmitErrorHandler {
    /**
     * @param iocbAddress the rejected iocb
     * @param cause the error, with its errno
     */
    void onSubmitError(long iocbAddress, NativeIoException cause);
}
