package io.nettyaio.channel;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The channels open on one completion driver, so that the driver can close them when it goes away. Adding and
 * removing are thread-safe (channels open on any thread); {@link #closeAll(AioEngine)} runs on the driver's thread.
 */
final class OpenChannels {
    private final Set<AioFileChannel> channels = ConcurrentHashMap.newKeySet();

    void add(AioFileChannel channel) {
        channels.add(channel);
    }

    void remove(AioFileChannel channel) {
        channels.remove(channel);
    }

    /**
     * Closes {@code engine} first, so that what the kernel and the blocking threads have finishes and is delivered,
     * then every channel still open: their requests are all finished by then.
     */
    void closeAll(AioEngine engine) {
        try {
            engine.close();
        } finally {
            try {
                for (AioFileChannel channel : channels) {
                    channel.loopTerminated();
                }
            } finally {
                channels.clear();
            }
        }
    }
}
