package io.commucat.ccp.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Binary {@code /connect} over HTTP/1.1 with chunked bodies both ways (ccp-1.md §1.2). */
class Http1ChunkedConnectTransportTest extends AbstractConnectTransportTest {

    @Override
    protected ConnectClient connect(int port) throws Exception {
        return H1ChunkedConnectClient.open(port);
    }

    @Override
    protected String mode() {
        return "binary";
    }

    @Override
    protected String contentType() {
        return "application/octet-stream";
    }

    @Test
    void theResponseBodyIsChunked() throws Exception {
        try (ConnectClient client = connect(server().port())) {
            assertEquals("chunked", client.head().get(10, TimeUnit.SECONDS).get("transfer-encoding"));
        }
    }
}
