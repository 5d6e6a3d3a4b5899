package io.commucat.ccp.server.http;

/** Binary {@code /connect} on an HTTP/2 stream (ccp-1.md §1.2). */
class Http2BinaryConnectTransportTest extends AbstractConnectTransportTest {

    @Override
    protected ConnectClient connect(int port) throws Exception {
        return H2ConnectClient.open(port);
    }

    /** HTTP/2 flow control holds the echo at the server: little beyond the windows is read. */
    @Override
    protected long maxReadWhileBehind() {
        return 512 * 1024;
    }

    @Override
    protected String mode() {
        return "binary";
    }

    @Override
    protected String contentType() {
        return "application/octet-stream";
    }
}
