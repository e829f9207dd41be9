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
    NOATIME
}
