package io.nettyaio.channel;

import io.netty.util.concurrent.EventExecutor;
import io.nettyaio.linux.FileType;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens a file for {@link AioFileChannel}: picks the loop's driver, has its engine open the file the way it submits
 * on it, checks what was opened, discovers the O_DIRECT alignment, and binds the file to the driver. All or nothing:
 * a failure closes the descriptor.
 */
final class FileOpener {
    private FileOpener() { }

    static FileState open(Path path, EventExecutor executor, OpenOptions options) throws IOException {
        if (executor.isShuttingDown()) {
            throw shutDown(path, executor);
        }
        LoopDriver driver = LoopDrivers.forExecutor(executor);
        FileIo io = driver.engine().openFile(path, options);
        boolean success = false;
        try {
            if (io.isDirectory()) {
                throw unsupportedType(path, FileType.DIRECTORY);
            }
            int[] alignment = options.direct ? directAlignment(io) : new int[]{1, 1};
            FileState file = new FileState(path, io, driver, executor, options, alignment[0], alignment[1]);
            driver.files().add(file);
            if (driver.isShuttingDown()) {
                driver.files().remove(file);
                throw shutDown(path, driver.loop());
            }
            if (executor != driver.loop()) {
                file.closeWithExecutor(executor); // a loop's own files close with it
            }
            success = true;
            return file;
        } finally {
            if (!success) {
                io.close();
            }
        }
    }

    /**
     * Refuses what this channel cannot serve by looking at the path: a FIFO (opening it with the JDK would block the
     * calling thread, perhaps a loop, until the other end is opened), a socket (cannot be opened), a character
     * device, a directory. Links are followed, as open(2) does. A path that cannot be examined (it does not exist
     * yet, say) is left to the open, which reports it. Used before a JDK open, and to explain a native open's ENXIO;
     * the native open itself cannot block and checks what it opened.
     */
    static void checkType(Path path) throws IOException {
        FileType type;
        try {
            type = FileType.ofMode((Integer) Files.getAttribute(path, "unix:mode"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return;
        }
        if (type != FileType.REGULAR && type != FileType.BLOCK_DEVICE) {
            throw unsupportedType(path, type);
        }
    }

    /**
     * What an EINVAL from opening with O_DIRECT means: the file system has no direct I/O (with our flags, nothing
     * else in open(2) answers EINVAL).
     */
    static String directUnsupported(Path path) {
        String type;
        try {
            Path existing = Files.exists(path) ? path : path.toAbsolutePath().getParent();
            type = Files.getFileStore(existing).type();
        } catch (IOException | RuntimeException e) {
            type = "type unknown";
        }
        return "O_DIRECT (AioOpenOption.DIRECT) is not supported by this file system (" + type + ") (expected: a file "
                + "system with direct I/O, such as ext4, xfs or btrfs; tmpfs from Linux 6.6; or open without DIRECT)";
    }

    static FileSystemException unsupportedType(Path path, FileType type) {
        return new FileSystemException(path.toString(), null, "is " + type.description()
                + " (expected: a regular file or a block device)");
    }

    private static ClosedChannelException shutDown(Path path, EventExecutor loop) {
        return new ClosedChannelException() {
            private static final long serialVersionUID = 1L;

            @Override
            public String getMessage() {
                return "cannot open " + path + " on " + loop + ": it " + (loop.isTerminated() ? "has terminated"
                        : "is shutting down") + " (expected: an executor that has not been shut down)";
            }
        };
    }

    /** What the file system reports (statx STATX_DIOALIGN), else {@value FileState#DIRECT_ALIGNMENT_PROP_NAME}. */
    private static int[] directAlignment(FileIo io) throws IOException {
        int[] reported = io.directAlignment();
        return reported != null ? reported
                : new int[]{FileState.DEFAULT_DIRECT_ALIGNMENT, FileState.DEFAULT_DIRECT_ALIGNMENT};
    }
}
