package io.nettyaio.examples.http;

/**
 * The file server reading with blocking {@code FileChannel} reads on the event loop, the baseline the benchmark
 * compares AIO against: it must pass the same contract, byte for byte.
 */
class FileServerBlockingReaderTest extends FileServerContract {
    @Override
    SocketTransport transport() {
        return SocketTransport.best();
    }

    @Override
    BodyReader reader() {
        return BodyReader.CHUNKED_NIO;
    }
}
