package io.nettyaio.examples.http;

/**
 * The file server on Netty's io_uring loops (skipped where io_uring is unavailable). File completions are reaped by
 * the library's default group and handed to the connection's loop.
 */
class FileServerIoUringTest extends FileServerContract {
    @Override
    SocketTransport transport() {
        return SocketTransport.IO_URING;
    }
}
