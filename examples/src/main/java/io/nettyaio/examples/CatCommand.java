package io.nettyaio.examples;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.nettyaio.channel.AioFileChannel;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/**
 * {@code cat FILE [--depth N] [--bs SIZE]}: streams a file to standard output, in order, with several reads in
 * flight.
 */
public final class CatCommand {
    static final String USAGE = "usage: cat FILE [--depth N] [--bs SIZE]\n"
            + "  Streams FILE to standard output with N reads of SIZE bytes in flight.\n"
            + "  --depth N   reads in flight, 1 to 1024 (default 4)\n"
            + "  --bs SIZE   bytes per read, 1 to 64m, e.g. 4096, 64k, 1m (default 128k)\n";

    private static final int DEFAULT_DEPTH = 4;
    private static final int DEFAULT_BLOCK_SIZE = 128 * 1024;

    private CatCommand() { }

    /**
     * Runs the command on the process's standard streams.
     *
     * @param args the options after {@code cat}
     * @return the exit status: 0 done, 1 I/O error, 2 bad command line
     */
    public static int run(String[] args) throws Exception {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, OutputStream out, PrintStream err) throws IOException, InterruptedException {
        Path path;
        int depth;
        int blockSize;
        try {
            CommandLine cl = CommandLine.parse(args, Set.of("--depth", "--bs"), Set.of());
            if (cl.helpRequested()) {
                out.write(USAGE.getBytes(StandardCharsets.UTF_8));
                out.flush();
                return 0;
            }
            depth = cl.intValue("--depth", DEFAULT_DEPTH, 1, 1024);
            blockSize = cl.sizeValue("--bs", DEFAULT_BLOCK_SIZE, 1, 64 << 20);
            path = Path.of(cl.positionals("FILE").get(0));
            if (!Files.isRegularFile(path)) {
                throw new CommandUsageException("FILE: '" + path + "' (expected: an existing regular file)");
            }
        } catch (CommandUsageException e) {
            err.println("cat: " + e.getMessage());
            err.println("Run 'cat --help' for usage.");
            return 2;
        }
        try (AioFileChannel file = AioFileChannel.open(path, StandardOpenOption.READ);
             ReadAhead reader = new ReadAhead(file, file.size(), blockSize, depth, ByteBufAllocator.DEFAULT)) {
            ByteBuf chunk;
            while ((chunk = reader.next()) != null) {
                try {
                    chunk.readBytes(out, chunk.readableBytes());
                } finally {
                    chunk.release();
                }
                if (out instanceof PrintStream && ((PrintStream) out).checkError()) {
                    err.println("cat: write error on standard output");
                    return 1;
                }
            }
            out.flush();
            return 0;
        } catch (IOException e) {
            err.println("cat: " + path + ": " + e.getMessage());
            return 1;
        }
    }
}
