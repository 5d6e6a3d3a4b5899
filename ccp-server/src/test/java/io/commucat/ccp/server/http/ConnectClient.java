package io.commucat.ccp.server.http;

import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;

/**
 * The client side of one {@code /connect} stream in one transport mode, as
 * {@link AbstractConnectTransportTest} drives it. Upstream pieces go out in the mode's framing;
 * downstream comes back as the raw bytes the protocol wrote: the driver undoes its mode's
 * encoding (HTTP/2 DATA, HTTP/1.1 chunks, WebSocket messages, SSE events, NDJSON poll lines).
 * Where a mode has no such step (a companion upload has no end; a WebSocket has no half-close),
 * the method says what it does instead, and the test declares it
 * ({@link AbstractConnectTransportTest.UploadEnd}).
 *
 * <p>Threading: called from test threads; {@link #send} from one thread at a time.
 */
interface ConnectClient extends AutoCloseable {

    /** The response head once it arrived: lower-case names, the status under {@code :status}. */
    CompletableFuture<Map<String, String>> head();

    /** Writes one upstream piece; may block while the transport pushes back (flow control, TCP). */
    void send(byte[] bytes) throws Exception;

    /**
     * Ends the upload cleanly (END_STREAM, the last chunk; WebSocket: the client's Close). A
     * companion upload has none: it throws {@link UnsupportedOperationException}.
     */
    void endUpstream() throws Exception;

    /** Cuts the transport under the stream without a clean end (RST_STREAM, a closed socket, ...). */
    void cut() throws Exception;

    /** Stops taking downstream bytes from the network, so that the server's writes pile up. */
    void pauseReading();

    /** Takes downstream bytes again. */
    void resumeReading();

    /** Downstream bytes, decoded, in arrival order, in whatever pieces they came. */
    BlockingQueue<byte[]> downstream();

    /** Completes once the response ended cleanly, after its last byte was put in {@link #downstream()}. */
    CompletableFuture<Void> ended();

    /** Lets go of the connection. */
    @Override
    void close();
}
