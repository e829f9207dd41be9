package io.nettyaio.channel;

import io.netty.util.internal.SystemPropertyUtil;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.util.Locale;

/**
 * Which engine runs a loop's file requests, and how that is chosen. The engines: {@code "linux-aio"} (an AIO context
 * per loop, completions on an eventfd), {@code "io_uring"} (SQEs on Netty's io_uring ring) and {@code "blocking"}
 * (the fallback: every request on a bounded pool of threads). {@link AioFileChannel#engine()} names the one a file
 * runs on.
 *
 * <p>With {@value #ENGINE_PROP_NAME}{@code =auto} (the default): a Netty 4.2 io_uring loop gets the io_uring engine
 * on the loop itself; an epoll loop gets Linux AIO on its own eventfd; an {@link AioEventLoop} gets Linux AIO; any
 * other executor has a default-group loop reap for it. Where the chosen engine is unavailable ({@link Aio},
 * {@link AioIoUring} say why) the next one serves: Linux AIO on our own loops, else the blocking engine.
 *
 * <p>{@value #ENGINE_PROP_NAME}{@code =io_uring|linux-aio|blocking} forces one engine for the whole process: our own
 * loops run it, and loops that cannot (an epoll loop cannot run io_uring; an io_uring loop cannot run Linux AIO)
 * have a default-group loop reap for them. A forced engine that is unavailable is reported once at WARN, and the
 * blocking engine serves.
 */
public final class AioEngines {
    /** System property: {@code auto} (default), {@code io_uring}, {@code linux-aio} or {@code blocking}. */
    public static final String ENGINE_PROP_NAME = "io.nettyaio.engine";
    /** The engine names, as {@link AioMetrics#engine()} and {@link AioFileChannel#engine()} report them. */
    public static final String LINUX_AIO = "linux-aio";
    /** @see #LINUX_AIO */
    public static final String IO_URING = "io_uring";
    /** @see #LINUX_AIO */
    public static final String BLOCKING = "blocking";

    private static final InternalLogger logger = InternalLoggerFactory.getInstance(AioEngines.class);
    private static final String REQUESTED = parse(SystemPropertyUtil.get(ENGINE_PROP_NAME, "auto"));
    private static volatile boolean forcedUnavailableLogged;

    private AioEngines() { }

    private static String parse(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        switch (v) {
            case "auto":
                return "auto";
            case "io_uring":
            case "iouring":
                return IO_URING;
            case "linux_aio":
            case "aio":
                return LINUX_AIO;
            case "blocking":
                return BLOCKING;
            default:
                throw new IllegalArgumentException("-D" + ENGINE_PROP_NAME + "=" + value
                        + " (expected: auto, io_uring, linux-aio or blocking)");
        }
    }

    /** @return the engine forced by {@value #ENGINE_PROP_NAME}, or {@code "auto"} */
    public static String requested() {
        return REQUESTED;
    }

    /**
     * @return the engine our own {@link AioEventLoop}s run in this process: {@value #LINUX_AIO}, {@value #IO_URING}
     *         or {@value #BLOCKING}
     */
    public static String forOwnLoops() {
        switch (REQUESTED) {
            case IO_URING:
                return available(IO_URING, AioIoUring.isAvailable(), AioIoUring.unavailabilityCause());
            case BLOCKING:
                return BLOCKING;
            default:
                return "auto".equals(REQUESTED) ? (Aio.isAvailable() ? LINUX_AIO : BLOCKING)
                        : available(LINUX_AIO, Aio.isAvailable(), Aio.unavailabilityCause());
        }
    }

    /** @return whether a Netty loop of that kind may run the engine itself (else a default-group loop reaps) */
    static boolean allowsOnNettyLoop(String engine) {
        return "auto".equals(REQUESTED) || REQUESTED.equals(engine);
    }

    private static String available(String engine, boolean available, Throwable cause) {
        if (available) {
            return engine;
        }
        if (!forcedUnavailableLogged) {
            forcedUnavailableLogged = true;
            logger.warn("-D{}={} but that engine is unavailable ({}); the blocking engine serves instead",
                    ENGINE_PROP_NAME, engine, String.valueOf(cause));
            AioJfr.engineDegraded(engine, "-D" + ENGINE_PROP_NAME + "=" + engine + " but it is unavailable ("
                    + cause + "): the blocking engine serves");
        }
        return BLOCKING;
    }
}
