package io.nettyaio.channel;

import io.nettyaio.linux.AioAbi;

import java.nio.file.OpenOption;
import java.util.Locale;

/**
 * An I/O priority: a class and a level, as Linux's {@code ioprio_set(2)} knows them. Pass one to
 * {@link AioFileChannel#open} as a channel's default for every read and write, or per request with
 * {@link AioRequestOptions#withPriority(AioIoPriority)}. Linux AIO and io_uring carry it in the request (the iocb's
 * {@code aio_reqprio}, the SQE's {@code ioprio}); a request on a blocking thread runs with the thread's priority set
 * to it. Whether it has any effect depends on the device's I/O scheduler: {@code mq-deadline} honours the classes,
 * {@code none} ignores priorities, and {@code bfq} did not tell an idle-class workload from a best-effort one when
 * measured (Linux 6.18, priorities carried in the iocb or SQE; see BENCHMARKS.md, section 6).
 *
 * <p>{@link Class#REALTIME} needs {@code CAP_SYS_ADMIN} or {@code CAP_SYS_NICE}: without them a request that asks for
 * it fails with {@link IllegalArgumentException} before it is submitted. Immutable and thread-safe.
 */
public final class AioIoPriority implements OpenOption {
    /** The scheduling classes, from most to least urgent. */
    public enum Class {
        /** Served first, always; starves the others if it never stops. Needs CAP_SYS_ADMIN or CAP_SYS_NICE. */
        REALTIME(AioAbi.IOPRIO_CLASS_RT),
        /** The default class: shares by level. */
        BEST_EFFORT(AioAbi.IOPRIO_CLASS_BE),
        /** Served only when no other class wants the disk: for background work such as compaction. */
        IDLE(AioAbi.IOPRIO_CLASS_IDLE);

        private final int value;

        Class(int value) {
            this.value = value;
        }
    }

    /** Background work: the idle class. */
    public static final AioIoPriority IDLE = new AioIoPriority(Class.IDLE, 0);
    /** The best-effort class at its middle level, 4: what a process gets by default. */
    public static final AioIoPriority BEST_EFFORT = new AioIoPriority(Class.BEST_EFFORT, 4);

    private final Class ioClass;
    private final int level;
    private final short value;

    private AioIoPriority(Class ioClass, int level) {
        this.ioClass = ioClass;
        this.level = level;
        this.value = AioAbi.ioprio(ioClass.value, level);
    }

    /**
     * @param ioClass the class
     * @param level 0 (most urgent) to 7 within the class; 0 for {@link Class#IDLE}, which has no levels
     * @return the priority
     * @throws NullPointerException when {@code ioClass} is null
     * @throws IllegalArgumentException when {@code level} is out of range
     */
    public static AioIoPriority of(Class ioClass, int level) {
        if (ioClass == null) {
            throw new NullPointerException("ioClass");
        }
        if (level < 0 || level > 7 || ioClass == Class.IDLE && level != 0) {
            throw new IllegalArgumentException("level: " + level + " (expected: " + (ioClass == Class.IDLE
                    ? "0 for IDLE, which has no levels" : "0..7") + ")");
        }
        return new AioIoPriority(ioClass, level);
    }

    /** @return the class */
    public Class ioClass() {
        return ioClass;
    }

    /** @return the level within the class */
    public int level() {
        return level;
    }

    /** @return the value {@code ioprio_set(2)} and the kernel's request structures take */
    public short value() {
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AioIoPriority && ((AioIoPriority) o).value == value;
    }

    @Override
    public int hashCode() {
        return value;
    }

    @Override
    public String toString() {
        return ioClass.name().toLowerCase(Locale.ROOT) + (ioClass == Class.IDLE ? "" : "/" + level);
    }
}
