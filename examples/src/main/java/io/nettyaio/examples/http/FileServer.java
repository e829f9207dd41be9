package io.nettyaio.examples.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A static file server over HTTP/1.1 and, optionally, TLS and HTTP/2: {@code GET} and {@code HEAD} of the files under
 * a root directory, with single byte ranges, {@code If-Modified-Since}, keep-alive and directory listings. File bodies
 * are streamed by {@link io.nettyaio.handler.AioChunkedFile} through a {@code ChunkedWriteHandler}, read ahead on the
 * connection's own event loop with back-pressure ({@link Builder#reader(BodyReader)} can send them with Netty's
 * {@code ChunkedNioFile} or {@code DefaultFileRegion} instead, for comparison).
 * <pre>{@code
 * try (FileServer server = FileServer.builder(Path.of("public")).port(0).start()) {
 *     System.out.println("listening on " + server.localAddress());
 *     server.closeFuture().await();
 * }
 * }</pre>
 */
public final class FileServer implements AutoCloseable {
    /** Bytes per file read and per socket write unless {@link Builder#chunkSize(int)} says otherwise. */
    public static final int DEFAULT_CHUNK_SIZE = 64 * 1024;
    /** Chunks read ahead of the socket unless {@link Builder#readahead(int)} says otherwise. */
    public static final int DEFAULT_READAHEAD = 2;

    private final EventLoopGroup bossGroup;
    private final EventLoopGroup workerGroup;
    private final Channel serverChannel;
    private final ChannelGroup connections;
    private final Path root;
    private final ServerActivity activity;
    private final SocketTransport transport;
    private final BodyReader reader;
    private final boolean tls;
    private final boolean http2;
    private final AtomicBoolean closed = new AtomicBoolean();

    private FileServer(EventLoopGroup bossGroup, EventLoopGroup workerGroup, Channel serverChannel,
                       ChannelGroup connections, Path root, ServerActivity activity, SocketTransport transport,
                       BodyReader reader, boolean tls, boolean http2) {
        this.bossGroup = bossGroup;
        this.workerGroup = workerGroup;
        this.serverChannel = serverChannel;
        this.connections = connections;
        this.root = root;
        this.activity = activity;
        this.transport = transport;
        this.reader = reader;
        this.tls = tls;
        this.http2 = http2;
    }

    /**
     * @param root the directory to publish
     * @return a builder; the server listens on loopback port 8080 unless told otherwise
     */
    public static Builder builder(Path root) {
        return new Builder(root);
    }

    /** @return the address the server is bound to, with the real port when port 0 was asked for */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** @return the port the server is bound to */
    public int port() {
        return localAddress().getPort();
    }

    /** @return the published directory, with symbolic links resolved */
    public Path root() {
        return root;
    }

    /** @return the socket transport in use */
    public SocketTransport transport() {
        return transport;
    }

    /** @return how file bytes are read */
    public BodyReader reader() {
        return reader;
    }

    /** @return whether connections are TLS */
    public boolean isTls() {
        return tls;
    }

    /** @return whether HTTP/2 is offered (h2 by ALPN over TLS, h2c otherwise) */
    public boolean isHttp2() {
        return http2;
    }

    /** @return live counts of open connections and files */
    public ServerActivity activity() {
        return activity;
    }

    /** @return completes when the listening socket is closed */
    public io.netty.util.concurrent.Future<Void> closeFuture() {
        return serverChannel.closeFuture();
    }

    /**
     * Stops listening, closes every connection and so every file being sent, and stops the event loops. Blocks until
     * done; must not be called from one of the server's event loops. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        serverChannel.close().syncUninterruptibly();
        connections.close().awaitUninterruptibly();
        // Let the aborted responses' files finish closing while their loops still run the completion listeners
        // that release the chunk buffers.
        try {
            activity.awaitNoOpenFiles(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        bossGroup.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        workerGroup.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Configures and starts a {@link FileServer}. */
    public static final class Builder {
        private final Path root;
        private InetAddress bindAddress = InetAddress.getLoopbackAddress();
        private int port = 8080;
        private int chunkSize = DEFAULT_CHUNK_SIZE;
        private int readahead = DEFAULT_READAHEAD;
        private int workerThreads;
        private ServerTls tls;
        private boolean http2;
        private ByteBufAllocator allocator;
        private SocketTransport transport = SocketTransport.best();
        private BodyReader reader = BodyReader.AIO;

        private Builder(Path root) {
            this.root = root;
        }

        /**
         * @param address the local address to listen on, e.g. {@code 0.0.0.0} for every interface
         * @return this builder
         */
        public Builder bindAddress(InetAddress address) {
            this.bindAddress = address;
            return this;
        }

        /**
         * @param port the port to listen on, 0 for any free port
         * @return this builder
         */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port: " + port + " (expected: 0-65535)");
            }
            this.port = port;
            return this;
        }

        /**
         * @param chunkSize bytes per file read and socket write
         * @return this builder
         */
        public Builder chunkSize(int chunkSize) {
            if (chunkSize <= 0) {
                throw new IllegalArgumentException("chunkSize: " + chunkSize + " (expected: > 0)");
            }
            this.chunkSize = chunkSize;
            return this;
        }

        /**
         * @param chunks chunks read ahead of the socket per response ({@link BodyReader#AIO} only), 1 to 1024
         * @return this builder
         */
        public Builder readahead(int chunks) {
            if (chunks < 1 || chunks > 1024) {
                throw new IllegalArgumentException("readahead: " + chunks + " (expected: 1-1024)");
            }
            this.readahead = chunks;
            return this;
        }

        /**
         * @param tls the certificate to serve HTTPS with, or {@code null} for plain HTTP
         * @return this builder
         */
        public Builder tls(ServerTls tls) {
            this.tls = tls;
            return this;
        }

        /**
         * @param http2 whether to offer HTTP/2: h2 by ALPN over TLS, h2c (prior knowledge or upgrade) without
         * @return this builder
         */
        public Builder http2(boolean http2) {
            this.http2 = http2;
            return this;
        }

        /**
         * @param threads event loops serving connections; 0 for Netty's default (twice the cores); with 1, that
         *                loop also accepts them
         * @return this builder
         */
        public Builder workerThreads(int threads) {
            if (threads < 0) {
                throw new IllegalArgumentException("threads: " + threads + " (expected: >= 0)");
            }
            this.workerThreads = threads;
            return this;
        }

        /**
         * @param transport the socket transport; {@link SocketTransport#best()} unless told otherwise
         * @return this builder
         */
        public Builder transport(SocketTransport transport) {
            if (!transport.isAvailable()) {
                throw new IllegalArgumentException("transport: " + transport + " (expected: an available one)");
            }
            this.transport = transport;
            return this;
        }

        /**
         * @param reader how file bytes are read; {@link BodyReader#AIO} unless told otherwise
         * @return this builder
         */
        public Builder reader(BodyReader reader) {
            this.reader = Objects.requireNonNull(reader, "reader");
            return this;
        }

        /**
         * @param allocator the allocator of the connections, and so of the file chunks; tests pass an
         *                  instrumented one to check that every buffer is released
         * @return this builder
         */
        public Builder allocator(ByteBufAllocator allocator) {
            this.allocator = allocator;
            return this;
        }

        /**
         * Binds and starts serving.
         *
         * @return the running server
         * @throws IOException when the root is not a directory
         * @throws InterruptedException when interrupted while binding
         */
        public FileServer start() throws IOException, InterruptedException {
            if (!Files.isDirectory(root)) {
                throw new IOException("root: " + root + " (expected: a directory)");
            }
            if (!reader.supports(tls != null, http2)) {
                throw new IllegalArgumentException("reader: " + reader + " (expected: aio or chunked-nio with "
                        + (tls != null ? "TLS" : "HTTP/2") + "; sendfile serves plain HTTP/1.1 only)");
            }
            SslContext ssl = tls == null ? null : tls.newServerContext(http2);
            RootDirectory directory = new RootDirectory(root);
            BodyReader.Settings settings = new BodyReader.Settings(chunkSize, readahead);
            ServerActivity activity = new ServerActivity();
            ChannelGroup connections = new DefaultChannelGroup("file-server", GlobalEventExecutor.INSTANCE);
            EventLoopGroup workerGroup = new MultiThreadIoEventLoopGroup(workerThreads, transport.ioHandlerFactory());
            // One worker: that loop accepts too, so the whole server is one thread (as nginx with one worker).
            EventLoopGroup bossGroup = workerThreads == 1 ? workerGroup
                    : new MultiThreadIoEventLoopGroup(1, transport.ioHandlerFactory());
            ServerBootstrap bootstrap = new ServerBootstrap()
                    .group(bossGroup, workerGroup)
                    .channel(transport.serverChannelClass())
                    .childHandler(new HttpPipelines(ssl, http2, () -> new StaticFileHandler(directory, reader,
                            settings, activity), connections::add));
            if (allocator != null) {
                bootstrap.childOption(ChannelOption.ALLOCATOR, allocator);
            }
            try {
                Channel channel = bootstrap.bind(bindAddress, port).sync().channel();
                return new FileServer(bossGroup, workerGroup, channel, connections, directory.path(), activity,
                        transport, reader, ssl != null, http2);
            } catch (Throwable t) {
                // Also a BindException, which sync() throws although bind() does not declare it.
                bossGroup.shutdownGracefully(0, 0, TimeUnit.SECONDS);
                workerGroup.shutdownGracefully(0, 0, TimeUnit.SECONDS);
                throw t;
            }
        }
    }
}
