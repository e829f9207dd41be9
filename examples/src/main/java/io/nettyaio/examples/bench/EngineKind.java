package io.nettyaio.examples.bench;

/** The I/O engines {@code bench} can drive, by their {@code --engine} names. */
public enum EngineKind {
    /** {@code io.nettyaio.channel.AioFileChannel} on an {@code AioEventLoopGroup}: kernel AIO. */
    AIO("aio"),
    /**
     * The Linux AIO binding alone ({@code io.nettyaio.linux}: AioContext, IocbArray, SubmissionQueue, EventFd), no
     * Netty: one thread per loop submits, polls the eventfd and reaps the ring.
     */
    NATIVE("native"),
    /** {@code java.nio.channels.AsynchronousFileChannel}: blocking preads on the JDK's thread pool. */
    JDK_ASYNC("jdk-async"),
    /** {@code java.nio.channels.FileChannel} positional reads and writes, one thread per request in flight. */
    JDK_SYNC("jdk-sync");

    private final String flagValue;

    EngineKind(String flagValue) {
        this.flagValue = flagValue;
    }

    /**
     * Returns the name used on the command line and in the JSON output.
     *
     * @return for example {@code jdk-async}
     */
    public String flagValue() {
        return flagValue;
    }

    static EngineKind of(String flag, String value) throws BenchUsageException {
        for (EngineKind kind : values()) {
            if (kind.flagValue.equals(value)) {
                return kind;
            }
        }
        throw BenchUsageException.badValue(flag, value, "one of aio, native, jdk-async, jdk-sync");
    }
}
