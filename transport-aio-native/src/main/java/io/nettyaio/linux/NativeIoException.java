package io.nettyaio.linux;

import java.io.IOException;

/**
 * A system call, or an asynchronous request completed by the kernel, failed with an errno.
 *
 * <p>The message reads like {@code io_submit(..) failed with error(-11): Resource temporarily unavailable}, with the
 * errno name appended, so logs are searchable by both. Instances carry the operation name ({@link #operation()}),
 * the errno number ({@link #errno()}, positive) and its symbolic name ({@link #errnoName()}).
 */
public class NativeIoException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String operation;
    private final int errno;

    /**
     * Creates an exception for {@code operation} failing with {@code errno}.
     *
     * @param operation the system call or request kind, e.g. {@code "io_submit"} or {@code "pread"}
     * @param errno the errno value; a negative kernel result is accepted and negated
     */
    public NativeIoException(String operation, int errno) {
        this(operation, errno, null);
    }

    /**
     * Creates an exception for {@code operation} failing with {@code errno}, with extra context appended.
     *
     * @param operation the system call or request kind
     * @param errno the errno value (sign ignored)
     * @param detail extra text for the message (may be {@code null})
     */
    public NativeIoException(String operation, int errno, String detail) {
        super(message(operation, Math.abs(errno), detail));
        this.operation = operation;
        this.errno = Math.abs(errno);
    }

    private static String message(String operation, int errno, String detail) {
        String text = NativeLoader.strerror(errno);
        String m = operation + "(..) failed with error(-" + errno + "): " + text + " [" + Errno.name(errno) + "]";
        return detail == null ? m : m + "; " + detail;
    }

    /** @return the failed operation, e.g. {@code "io_submit"}, {@code "pread"}, {@code "fsync"} */
    public String operation() {
        return operation;
    }

    /** @return the positive errno value */
    public int errno() {
        return errno;
    }

    /** @return the symbolic errno name, e.g. {@code "EIO"} */
    public String errnoName() {
        return Errno.name(errno);
    }
}
