package io.nettyaio.channel;

import io.nettyaio.linux.OpenFlags;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;

/** Opens the fallback engine's files with the JDK, translating the flags {@link AioFileChannel#open} computed. */
final class JdkFiles {
    private JdkFiles() { }

    static FileIo open(Path path, boolean read, boolean write, boolean direct, int flags) throws IOException {
        Set<OpenOption> options = new HashSet<>();
        if (read) {
            options.add(StandardOpenOption.READ);
        }
        if (write) {
            options.add(StandardOpenOption.WRITE);
        }
        if ((flags & OpenFlags.EXCL) != 0) {
            options.add(StandardOpenOption.CREATE_NEW);
        } else if ((flags & OpenFlags.CREAT) != 0) {
            options.add(StandardOpenOption.CREATE);
        }
        if ((flags & OpenFlags.TRUNC) != 0) {
            options.add(StandardOpenOption.TRUNCATE_EXISTING);
        }
        if ((flags & OpenFlags.DSYNC) != 0) {
            options.add(StandardOpenOption.DSYNC);
        }
        if (direct) {
            options.add(com.sun.nio.file.ExtendedOpenOption.DIRECT);
        }
        // O_NOATIME has no JDK equivalent; the fallback engine ignores it
        if (java.nio.file.Files.isDirectory(path)) {
            throw new java.nio.file.FileSystemException(path.toString(), null,
                    "is a directory (expected: a regular file)");
        }
        return new JdkFileIo(path, FileChannel.open(path, options));
    }
}
