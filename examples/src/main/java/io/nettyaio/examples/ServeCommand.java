package io.nettyaio.examples;

import io.nettyaio.channel.Aio;
import io.nettyaio.examples.http.BodyReader;
import io.nettyaio.examples.http.FileServer;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * {@code serve [--port 8080] [--root DIR] [--bind ADDR] [--chunk SIZE] [--reader aio|blocking]}: runs a
 * {@link FileServer} until the process is stopped.
 */
public final class ServeCommand {
    static final String USAGE = "usage: serve [--port PORT] [--root DIR] [--bind ADDR] [--chunk SIZE]"
            + " [--reader aio|blocking]\n"
            + "  Serves the files under DIR over HTTP/1.1 (GET, HEAD, ranges, directory listings).\n"
            + "  --port PORT   TCP port, 0 to 65535, 0 for any free one (default 8080)\n"
            + "  --root DIR    directory to publish (default: the current directory)\n"
            + "  --bind ADDR   local address to listen on, 0.0.0.0 for every interface (default 127.0.0.1)\n"
            + "  --chunk SIZE  bytes per file read and socket write, 4k to 16m (default 64k)\n"
            + "  --reader R    aio: read files with kernel AIO (default); blocking: FileChannel reads on the event\n"
            + "                loop, as a Netty server does without this library (for comparison)\n";

    private ServeCommand() { }

    /**
     * Runs the server until the JVM is stopped (Ctrl-C closes it cleanly).
     *
     * @param args the options after {@code serve}
     * @return the exit status: 1 when the server cannot start, 2 for a bad command line
     */
    public static int run(String[] args) throws Exception {
        FileServer.Builder builder;
        try {
            builder = builder(args, System.out);
        } catch (CommandUsageException e) {
            System.err.println("serve: " + e.getMessage());
            System.err.println("Run 'serve --help' for usage.");
            return 2;
        }
        if (builder == null) {
            return 0;
        }
        FileServer server;
        try {
            server = builder.start();
        } catch (IOException | RuntimeException e) {
            System.err.println("serve: cannot start: " + e);
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "serve-shutdown"));
        InetAddress address = server.localAddress().getAddress();
        String host = address.getHostAddress().contains(":") ? "[" + address.getHostAddress() + "]"
                : address.getHostAddress();
        System.out.println("Serving " + server.root() + " on http://" + host + ":" + server.port() + "/ ("
                + server.transport() + ", " + server.reader() + " reads, kernel AIO "
                + (Aio.isAvailable() ? "available" : "unavailable: " + Aio.unavailabilityCause()) + ")");
        server.closeFuture().await();
        return 0;
    }

    /**
     * Parses the command line into a server configuration.
     *
     * @param args the options after {@code serve}
     * @param out where {@code --help} prints the usage
     * @return the builder, or {@code null} when help was printed
     */
    static FileServer.Builder builder(String[] args, PrintStream out) throws CommandUsageException {
        CommandLine cl = CommandLine.parse(args, Set.of("--port", "--root", "--bind", "--chunk", "--reader"),
                Set.of());
        if (cl.helpRequested()) {
            out.print(USAGE);
            return null;
        }
        cl.positionals();
        int port = cl.intValue("--port", 8080, 0, 65535);
        int chunk = cl.sizeValue("--chunk", FileServer.DEFAULT_CHUNK_SIZE, 4096, 16 << 20);
        String rootText = cl.value("--root", ".");
        Path root = Path.of(rootText);
        if (!Files.isDirectory(root)) {
            throw new CommandUsageException("--root: '" + rootText + "' (expected: an existing directory)");
        }
        String bindText = cl.value("--bind", "127.0.0.1");
        InetAddress bind;
        try {
            bind = InetAddress.getByName(bindText);
        } catch (UnknownHostException e) {
            throw new CommandUsageException("--bind: '" + bindText + "' (expected: a local IP address or host name)");
        }
        String readerText = cl.value("--reader", BodyReader.AIO.toString());
        BodyReader reader;
        try {
            reader = BodyReader.of(readerText);
        } catch (IllegalArgumentException e) {
            throw new CommandUsageException("--reader: '" + readerText + "' (expected: aio or blocking)");
        }
        return FileServer.builder(root).port(port).bindAddress(bind).chunkSize(chunk).reader(reader);
    }
}
