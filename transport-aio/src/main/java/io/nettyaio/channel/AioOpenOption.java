package io.nettyaio.channel;

import java.nio.file.OpenOption;

/**
 * Linux-specific open options for {@link AioFileChannel}, used beside
 * {@link java.nio.file.StandardOpenOption} {@code READ, WRITE, CREATE, CREATE_NEW, TRUNCATE_EXISTING}.
 */
public enum AioOpenOption implements OpenOption {
    /**
     * {@code O_DIRECT}: bypass the page cache. Memory addresses, file positions and lengths must then be
     * multiples of {@link AioFileChannel#alignment()}; misaligned requests fail before submission.
     */
    DIRECT,
    /** {@code O_DSYNC}: each write is durable (data and the metadata needed to read it) when it completes. */
    DSYNC,
    /** {@code O_NOATIME}: do not update the access time on reads (the caller must own the file). */
    NOATIME,
    /**
     * {@code posix_fadvise(POSIX_FADV_RANDOM)} once the file is open: the kernel reads only the pages asked for, with
     * no readahead. For random reads of a file larger than the page cache holds: with readahead (up to
     * {@code read_ahead_kb}, 8 MiB on some machines) each miss fills the device queue with pages nobody asked for, and
     * a read that starts such readahead waits for the device's request slots, on the event loop when it runs there
     * (the io_uring engine's first attempt, the Linux AIO engine's cached-read attempt). fio gives the same advice
     * for its random workloads by default ({@code fadvise_hint}). It applies to this channel's descriptor only;
     * buffered I/O only (with {@link #DIRECT} there is no readahead and the advice is not given). Ignored where the
     * file is opened through the JDK's {@code FileChannel} (the blocking engine without the native binding), which
     * has no such call. {@code open} fails with an {@link java.io.IOException} naming the option if the kernel
     * refuses the advice.
     */
    RANDOM_ACCESS,
    /**
     * {@code posix_fadvise(POSIX_FADV_SEQUENTIAL)} once the file is open: the kernel doubles its readahead for this
     * descriptor. For files read from start to end (streaming, replay of a log). Buffered I/O only, as
     * {@link #RANDOM_ACCESS}, and ignored where {@link #RANDOM_ACCESS} is. At most one of the two.
     */
    SEQUENTIAL_ACCESS
}
