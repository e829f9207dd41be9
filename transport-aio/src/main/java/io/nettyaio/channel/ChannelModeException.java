package io.nettyaio.channel;

import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.file.Path;

/** The JDK's mode exceptions have no message; these say which file and which option was missing. */
final class ChannelModeException {
    private ChannelModeException() { }

    static NonReadableChannelException notReadable(Path path) {
        return new NonReadableChannelException() {
            private static final long serialVersionUID = 1L;

            @Override
            public String getMessage() {
                return "read on " + path + ", opened without READ (expected: a channel opened with READ)";
            }
        };
    }

    static NonWritableChannelException notWritable(Path path) {
        return new NonWritableChannelException() {
            private static final long serialVersionUID = 1L;

            @Override
            public String getMessage() {
                return "write on " + path + ", opened without WRITE (expected: a channel opened with WRITE)";
            }
        };
    }
}
