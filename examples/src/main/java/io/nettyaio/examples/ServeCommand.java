package io.nettyaio.examples;

import io.nettyaio.channel.Aio;
import io.nettyaio.examples.http.BodyReader;
import io.nettyaio.examples.http.FileServer;
import io.nettyaio.examples.http.ServerTls;
import io.nettyaio.examples.http.SocketTransport;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * {@code serve [--port 8080] [--root DIR] [--bind ADDR] [--chunk SIZE] [--readahead N] [--reader R] [--threads N]
 * [--transport T] [--tls [--cert PEM --key PEM]] [--http2]}: runs a {@link FileServer} until the process is stopped.
 */
public final class ServeCommand {
    static final String USAGE = "usage: serve [--port PORT] [--root DIR] [--bind ADDR] [--chunk SIZE]"
            + " [--readahead N]\n"
            + "             [--reader aio|chunked-nio|sendfile] [--threads N] [--transport epoll|io_uring|nio]\n"
            + "             [--tls [--cert PEM --key PEM]] [--http2]\n"
            + "  Serves the files under DIR (GET, HEAD, ranges, directory listings).\n"
            + "  --port PORT     TCP port, 0 to 65535, 0 for any free one (default 8080)\n"
            + "  --root DIR      directory to publish (default: the current directory)\n"
            + "  --bind ADDR     local address to listen on, 0.0.0.0 for every interface (default 127.0.0.1)\n"
            + "  --chunk SIZE    bytes per file read and socket write, 4k to 16m (default 64k)\n"
            + "  --readahead N   chunks read ahead of the socket per response, 1 to 64 (default 2; aio only)\n"
            + "  --reader R      aio: AioChunkedFile, kernel AIO reads ahead on the connection's loop (default);\n"
            + "                  chunked-nio (or blocking): Netty's ChunkedNioFile, blocking reads on the loop;\n"
            + "                  sendfile: Netty's DefaultFileRegion (plain HTTP/1.1 only)\n"
            + "  --threads N     event loops, 0 for Netty's default of twice the cores; with 1 the one loop also\n"
            + "                  accepts connections (default 0)\n"
            + "  --transport T   socket transport: epoll (default where available), io_uring or nio\n"
            + "  --tls           HTTPS, with a self-signed certificate for localhost made at start unless --cert\n"
            + "                  and --key name PEM files (certificate chain; unencrypted PKCS#8 key)\n"
            + "  --http2         offer HTTP/2 too: h2 by ALPN with --tls, h2c (prior knowledge or upgrade) without\n";

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
        System.out.println("Serving " + server.root() + " on " + (server.isTls() ? "https" : "http") + "://" + host
                + ":" + server.port() + "/ (" + server.transport() + ", " + server.reader() + " bodies, "
                + (server.isHttp2() ? "HTTP/2 and HTTP/1.1" : "HTTP/1.1")
                + (server.isTls() ? ", TLS by " + ServerTls.provider() : "") + ", kernel AIO "
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
        CommandLine cl = CommandLine.parse(args, Set.of("--port", "--root", "--bind", "--chunk", "--reader",
                "--readahead", "--threads", "--transport", "--cert", "--key"), Set.of("--tls", "--http2"));
        if (cl.helpRequested()) {
            out.print(USAGE);
            return null;
        }
        cl.positionals();
        int port = cl.intValue("--port", 8080, 0, 65535);
        int chunk = cl.sizeValue("--chunk", FileServer.DEFAULT_CHUNK_SIZE, 4096, 16 << 20);
        int readahead = cl.intValue("--readahead", FileServer.DEFAULT_READAHEAD, 1, 64);
        int threads = cl.intValue("--threads", 0, 0, 1024);
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
            throw new CommandUsageException("--reader: '" + readerText + "' (expected: aio, chunked-nio or sendfile)");
        }
        String transportText = cl.value("--transport", SocketTransport.best().toString());
        SocketTransport transport;
        try {
            transport = SocketTransport.of(transportText);
        } catch (IllegalArgumentException e) {
            throw new CommandUsageException("--transport: '" + transportText + "' (expected: epoll, io_uring or nio)");
        }
        if (!transport.isAvailable()) {
            throw new CommandUsageException("--transport: '" + transportText + "' (expected: one available here; "
                    + transport + " is not)");
        }
        boolean tls = cl.has("--tls");
        boolean http2 = cl.has("--http2");
        if (!tls && (cl.has("--cert") || cl.has("--key"))) {
            throw new CommandUsageException("--cert/--key: given without --tls (expected: --tls --cert PEM --key PEM)");
        }
        if (cl.has("--cert") != cl.has("--key")) {
            throw new CommandUsageException("--cert/--key: only one given (expected: both, or neither for a self-signed"
                    + " certificate)");
        }
        if (!reader.supports(tls, http2)) {
            throw new CommandUsageException("--reader: 'sendfile' (expected: aio or chunked-nio with "
                    + (tls ? "--tls" : "--http2") + "; sendfile serves plain HTTP/1.1 only)");
        }
        ServerTls certificate = null;
        if (tls) {
            try {
                certificate = cl.has("--cert")
                        ? ServerTls.pem(Path.of(cl.value("--cert", null)), Path.of(cl.value("--key", null)))
                        : ServerTls.selfSigned();
            } catch (IOException e) {
                throw new CommandUsageException("--tls: " + e.getMessage());
            }
        }
        return FileServer.builder(root).port(port).bindAddress(bind).chunkSize(chunk).readahead(readahead)
                .workerThreads(threads).transport(transport).reader(reader).tls(certificate).http2(http2);
    }
}
