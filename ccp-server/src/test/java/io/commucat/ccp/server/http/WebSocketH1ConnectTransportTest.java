package io.commucat.ccp.server.http;

/** WebSocket {@code /connect} over HTTP/1.1 (RFC 6455; ccp-1.md §1.1 rule 3, §1.2). */
class WebSocketH1ConnectTransportTest extends AbstractConnectTransportTest {

    @Override
    protected ConnectClient connect(int port) throws Exception {
        return WsConnectClient.overHttp1(port);
    }

    @Override
    protected String acceptedStatus() {
        return "101";
    }

    @Override
    protected String mode() {
        return "websocket";
    }

    /** A WebSocket response has no body of its own, so no content type. */
    @Override
    protected String contentType() {
        return null;
    }

    @Override
    protected UploadEnd uploadEnd() {
        return UploadEnd.CLOSE;
    }

    /**
     * As binary over HTTP/1.1: TCP holds the echo once the server's socket send buffer is full
     * (autotuned by the kernel; the client's receive buffer is small), plus the windows.
     */
    @Override
    protected long maxReadWhileBehind() {
        return Http1ChunkedConnectTransportTest.kernelSendBufferMax() + 2L * 1024 * 1024;
    }
}
