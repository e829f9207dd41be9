package io.nettyaio.examples.bench;

import com.sun.nio.file.ExtendedOpenOption;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What both JDK engines ({@code jdk-async}, {@code jdk-sync}) need to start: open options, the alignment the JDK
 * demands for O_DIRECT, aligned buffers, and a probe for whether O_DIRECT works on the file at all.
 */
final class JdkEngineSetup {
    private JdkEngineSetup() { }

    static Set<OpenOption> openOptions(boolean direct) {
        Set<OpenOption> options = new HashSet<>();
        options.add(StandardOpenOption.READ);
        options.add(StandardOpenOption.WRITE);
        if (direct) {
            options.add(ExtendedOpenOption.DIRECT);
        }
        return options;
    }

    /**
     * The JDK checks O_DIRECT buffers, positions and lengths against the file store's block size (often 4096 even
     * where the device accepts 512), so that is the alignment to respect.
     */
    static int alignment(BenchOptions options) throws IOException, BenchUsageException {
        if (!options.direct()) {
            return 1;
        }
        long blockSize = Files.getFileStore(options.file()).getBlockSize();
        if (blockSize <= 0 || blockSize > BenchOptions.MAX_BS || Long.bitCount(blockSize) != 1) {
            throw new IOException("unexpected block size " + blockSize + " for " + options.file());
        }
        int align = (int) blockSize;
        if (options.bs() % align != 0) {
            throw BenchUsageException.badValue("--bs", Integer.toString(options.bs()), "a multiple of " + align
                    + ", the block size the JDK requires for --direct true on " + options.file());
        }
        return align;
    }

    /** A direct buffer of {@code bs} bytes at an address aligned to {@code align}; random bytes for writes. */
    static ByteBuffer buffer(int bs, int align) {
        ByteBuffer raw = ByteBuffer.allocateDirect(bs + align);
        ByteBuffer buf = (align > 1 ? raw.alignedSlice(align) : raw).slice(0, bs);
        byte[] random = new byte[bs];
        ThreadLocalRandom.current().nextBytes(random);
        buf.put(random).clear();
        return buf;
    }

    /** Tells whether the file can be opened with O_DIRECT (tmpfs, for one, refuses it). */
    static boolean directWorks(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, ExtendedOpenOption.DIRECT)) {
            return channel.isOpen();
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
