package io.commucat.ccp.server.http;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A {@link ConnectClient} whose reader thread decodes the response into a queue of downstream
 * pieces and completes {@link #ended()} after the last one (chunked HTTP/1.1, WebSocket, SSE,
 * long-poll).
 *
 * <p>Thread-safe: the reader adds and completes, the test takes.
 */
abstract class QueuedConnectClient implements ConnectClient {

    /** Filled by the reader thread, in order. */
    protected final LinkedBlockingQueue<byte[]> downstream = new LinkedBlockingQueue<>();
    /** Completed by the reader after the last piece was added. */
    protected final CompletableFuture<Void> ended = new CompletableFuture<>();

    @Override
    public final BlockingQueue<byte[]> downstream() {
        return downstream;
    }

    @Override
    public final CompletableFuture<Void> ended() {
        return ended;
    }
}
