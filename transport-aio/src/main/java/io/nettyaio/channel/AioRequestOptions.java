package io.nettyaio.channel;

import io.nettyaio.linux.AioAbi;

/**
 * What a single read or write asks for beyond its buffer and position: durability ({@link #DSYNC}, {@link #SYNC})
 * and an I/O priority. Pass it to {@link AioFileChannel#write(io.netty.buffer.ByteBuf, long, AioRequestOptions)}
 * and the other overloads that take one. Immutable: make the values you need once and reuse them, and the handler
 * overloads stay allocation-free.
 *
 * <p><b>DSYNC</b>: the write completes only once its data (and the metadata needed to read it back) is durable, as
 * if {@code fdatasync} had followed it, in one request ({@code RWF_DSYNC}; one device command on a device with FUA).
 * <b>SYNC</b>: the same with all metadata ({@code RWF_SYNC}). Where the engine or the kernel lacks the flag, the
 * write runs on a blocking thread followed by {@code fdatasync}/{@code fsync}, so the promise keeps its meaning.
 * Reads ignore both.
 */
public final class AioRequestOptions {
    /** Nothing beyond the channel's defaults. */
    public static final AioRequestOptions DEFAULT = new AioRequestOptions(0, null);
    /** A durable write ({@code RWF_DSYNC}). */
    public static final AioRequestOptions DSYNC = new AioRequestOptions(AioAbi.RWF_DSYNC, null);
    /** A durable write with all metadata ({@code RWF_SYNC}). */
    public static final AioRequestOptions SYNC = new AioRequestOptions(AioAbi.RWF_SYNC | AioAbi.RWF_DSYNC, null);

    private final int rwFlags;
    private final AioIoPriority priority;

    private AioRequestOptions(int rwFlags, AioIoPriority priority) {
        this.rwFlags = rwFlags;
        this.priority = priority;
    }

    /**
     * @param priority the priority of requests made with the result; {@code null}: the channel's default
     * @return options like these with that priority
     */
    public AioRequestOptions withPriority(AioIoPriority priority) {
        return new AioRequestOptions(rwFlags, priority);
    }

    /** @return options like these that also ask for {@link #DSYNC} */
    public AioRequestOptions withDsync() {
        return new AioRequestOptions(rwFlags | AioAbi.RWF_DSYNC, priority);
    }

    /** @return options like these that also ask for {@link #SYNC} */
    public AioRequestOptions withSync() {
        return new AioRequestOptions(rwFlags | AioAbi.RWF_SYNC | AioAbi.RWF_DSYNC, priority);
    }

    /** @return the priority, or {@code null} for the channel's default */
    public AioIoPriority priority() {
        return priority;
    }

    /** @return whether writes are durable when they complete (DSYNC or SYNC) */
    public boolean isDsync() {
        return (rwFlags & AioAbi.RWF_DSYNC) != 0;
    }

    /** @return whether writes are durable with all metadata when they complete */
    public boolean isSync() {
        return (rwFlags & AioAbi.RWF_SYNC) != 0;
    }

    /** @return the {@code RWF_*} flags a write carries */
    int rwFlags() {
        return rwFlags;
    }

    @Override
    public String toString() {
        return "AioRequestOptions(" + (isSync() ? "SYNC" : isDsync() ? "DSYNC" : "-")
                + (priority != null ? ", " + priority : "") + ")";
    }
}
