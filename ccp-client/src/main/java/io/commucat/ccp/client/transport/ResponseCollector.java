package io.commucat.ccp.client.transport;

import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** Gathers a whole (small) response for {@link ClientConnection#request}. Event loop only. */
final class ResponseCollector extends StreamListener {

    final CompletableFuture<H2Response> result = new CompletableFuture<>();
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private final int maxBody;
    private int status;
    private Map<String, String> headers = Map.of();

    ResponseCollector(int maxBody) {
        this.maxBody = maxBody;
    }

    @Override
    public void onResponseHead(int status, Map<String, String> headers) {
        this.status = status;
        this.headers = headers;
    }

    @Override
    public void onData(byte[] data) {
        if (body.size() + data.length > maxBody) {
            throw new IllegalStateException("response body over " + maxBody + " bytes");
        }
        body.writeBytes(data);
    }

    @Override
    public void onDownstreamEnd() {
        result.complete(new H2Response(status, headers, body.toByteArray()));
    }

    @Override
    public void onClosed(StreamClosure closure) {
        result.completeExceptionally(new TransportClosedException("response did not complete: " + closure, closure));
    }
}
