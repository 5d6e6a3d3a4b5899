package io.commucat.ccp.server.http;

import java.net.http.HttpClient;

/**
 * SSE {@code /connect} with the upstream companion (ccp-1.md §1.2–1.3) over an HTTP/2 stream (the POSTs on a connection of their own).
 * The upload is POSTs, each answered 204 once its bytes went to the session: while the reader
 * is behind, the POST in flight waits, which is how the upload is held back.
 */
class SseH2ConnectTransportTest extends AbstractConnectTransportTest {

    @Override
    protected ConnectClient connect(int port) throws Exception {
        return SseConnectClient.open(port, HttpClient.Version.HTTP_2);
    }

    @Override
    protected String mode() {
        return "sse";
    }

    @Override
    protected String contentType() {
        return "text/event-stream";
    }

    @Override
    protected UploadEnd uploadEnd() {
        return UploadEnd.WITH_THE_SESSION;
    }

    /** HTTP/2 flow control holds the event stream at the server: little beyond the windows is read. */
    @Override
    protected long maxReadWhileBehind() {
        return 512 * 1024;
    }
}
