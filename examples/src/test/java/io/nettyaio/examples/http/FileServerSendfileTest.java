package io.nettyaio.examples.http;

/** The file server sending bodies with {@code DefaultFileRegion} (sendfile) on the best transport. */
class FileServerSendfileTest extends FileServerContract {
    @Override
    SocketTransport transport() {
        return SocketTransport.best();
    }

    @Override
    BodyReader reader() {
        return BodyReader.SENDFILE;
    }
}
