package io.nettyaio.examples.bench;

/** Creates the engine that {@code --engine} names. */
final class Engines {
    private Engines() { }

    static Engine create(BenchOptions options, Flight flight, Measurement measurement) {
        switch (options.engine()) {
            case AIO:
                return new AioFileChannelEngine(options, flight, measurement);
            case NATIVE:
                return new NativeEngine(options, flight, measurement);
            case JDK_ASYNC:
                return new JdkAsyncEngine(options, flight, measurement);
            case JDK_SYNC:
                return new JdkSyncEngine(options, flight, measurement);
            default:
                throw new AssertionError(options.engine());
        }
    }
}
