package io.nettyaio.examples.http;

/** The file server on EPOLL loops. */
class FileServerEpollTest extends FileServerContract {
    @Override
    SocketTransport transport() {
        return SocketTransport.EPOLL;
    }
}
