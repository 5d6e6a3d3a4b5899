package io.commucat.ccp.server.http;

/** WebSocket {@code /connect} on an HTTP/2 stream (RFC 8441 extended CONNECT; ccp-1.md §1.2). */
class WebSocketH2ConnectTransportTest extends AbstractConnectTransportTest {

    @Override
    protected ConnectClient connect(int port) throws Exception {
        return WsConnectClient.overHttp2(port);
    }

    @Override
    protected String mode() {
        return "websocket";
    }

    /** An extended CONNECT's response has no content type. */
    @Override
    protected String contentType() {
        return null;
    }

    @Override
    protected UploadEnd uploadEnd() {
        return UploadEnd.CLOSE;
    }

    /** HTTP/2 flow control holds the echo at the server: little beyond the windows is read. */
    @Override
    protected long maxReadWhileBehind() {
        return 512 * 1024;
    }
}
