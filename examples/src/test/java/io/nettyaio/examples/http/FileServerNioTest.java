package io.nettyaio.examples.http;

/** The file server on NIO loops. */
class FileServerNioTest extends FileServerContract {
    @Override
    SocketTransport transport() {
        return SocketTransport.NIO;
    }
}
