package io.nettyaio.channel;

import io.nettyaio.linux.Errno;

/**
 * The one place that reads an attempt's result ({@code res}: bytes transferred or -errno, from an io_event, a
 * synchronous page-cache read or a blocking thread) and says what the request needs next. Pure: it reads the
 * request and changes nothing; {@link IoRequest#onResult} counts the progress the verdict credits.
 */
final class ResultClassifier {
    /** Done: complete it with what it transferred (for a read, possibly short, or end of file). */
    static final int SETTLED = 0;
    /** Progress, and more to do (a short write, readFully): route the rest again. */
    static final int CONTINUE = 1;
    /** RWF_NOWAIT: the kernel would have waited (EAGAIN, or a short buffered read): the rest goes to a thread. */
    static final int TO_BLOCKING = 2;
    /** RWF_NOWAIT is not supported for this kind of request on this file (EOPNOTSUPP): remember, go to a thread. */
    static final int NOWAIT_UNSUPPORTED = 3;
    /** An error, or a write that made no progress: fail with {@link IoRequest#failure(long)}. */
    static final int FAILED = 4;

    private ResultClassifier() { }

    /**
     * @param r the request, as it was before the attempt
     * @param res the attempt's result
     * @param nowait whether the attempt carried RWF_NOWAIT
     */
    static int classify(IoRequest r, long res, boolean nowait) {
        if (res < 0) {
            if (nowait && res == -Errno.EAGAIN) {
                return TO_BLOCKING;
            }
            if (nowait && res == -Errno.EOPNOTSUPP) {
                return NOWAIT_UNSUPPORTED;
            }
            return FAILED;
        }
        if (r.isDataless()) {
            return SETTLED;
        }
        long remaining = r.remaining();
        if (r.isRead()) {
            if (res == 0 || res >= remaining) {
                return SETTLED; // end of file, or all of it
            }
            if (nowait && !r.file().isDirect()) {
                return TO_BLOCKING; // what the page cache had; the rest, or end of file, from a thread
            }
            return r.isReadFully() && r.file().isAligned(r.done() + res) ? CONTINUE : SETTLED;
        }
        if (res == 0) {
            return FAILED;
        }
        return res < remaining ? CONTINUE : SETTLED;
    }

    /** @return whether the attempt's bytes count as progress under {@code verdict} */
    static boolean creditsProgress(int verdict) {
        return verdict == SETTLED || verdict == CONTINUE || verdict == TO_BLOCKING;
    }
}
