package io.nettyaio.channel;

import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.nettyaio.linux.NativeIoException;
import io.nettyaio.linux.NativeLibrary;
import io.nettyaio.linux.NativeThread;

/**
 * A blocking thread's I/O priority, set for the one request it runs and restored after it: a thread's synchronous
 * reads and writes carry its own priority. Where the native binding is unavailable, priorities cannot be set and
 * are ignored (said once at DEBUG).
 */
final class ThreadIoPriority {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(ThreadIoPriority.class);
    private static volatile boolean unavailableLogged;

    private ThreadIoPriority() { }

    /** @return the priority the thread had, to {@link #restore} */
    static short set(short ioprio) throws NativeIoException {
        if (!NativeLibrary.isLoaded()) {
            if (!unavailableLogged) {
                unavailableLogged = true;
                logger.debug("I/O priorities are ignored on blocking threads: {}", NativeLibrary.loadError());
            }
            return 0;
        }
        short previous = NativeThread.ioPriority();
        NativeThread.setIoPriority(ioprio);
        return previous;
    }

    static void restore(short previous) {
        if (!NativeLibrary.isLoaded()) {
            return;
        }
        try {
            NativeThread.setIoPriority(previous);
        } catch (NativeIoException e) {
            logger.debug("Cannot restore a blocking thread's I/O priority", e);
        }
    }
}
