package io.commucat.ccp.server.connect;

import io.commucat.ccp.proto.Frame;

/**
 * Where a {@link ConnectSession} writes: the seam between the transport-neutral session and a
 * transport adapter (binary HTTP/2 or HTTP/1.1, WebSocket, SSE, long-poll). Called only on the
 * session's event loop, one call at a time; {@link #close()} is the last call.
 *
 * <p>Flow control is pull-based, as in gRPC's {@code isReady}/{@code onReady}: the adapter
 * counts the bytes written but not yet taken by the network (the reader's unread bytes) against
 * a window. A session that produces on its own (deliveries from other devices) asks
 * {@link #room()} first and waits for the transport's {@code onReady} when there is none. Writes
 * are never refused for lack of room: answers to the device's own frames are paced by the
 * adapter reading upstream only while the reader keeps up.
 */
public interface Downstream {

    /**
     * Writes the bytes the protocol produced for {@code frame}: its plain encoding during the
     * bootstrap, {@code varint(len) || ciphertext} records after it (ccp-1.md §1.2). The frame is
     * given in clear so SSE and long-poll can label the write (§1.2).
     */
    void write(Frame frame, byte[] wireBytes);

    /**
     * Bytes the reader can still take before its window is full. Positive: one more write of any
     * size may go now (so a frame larger than the window still goes out, alone). Zero or
     * negative: the reader is behind by {@code -room()} bytes beyond the window; the transport
     * calls {@code onReady} once it has drained half the window.
     */
    long room();

    /**
     * The stream takes upstream again after {@code ConnectStream.wantsUpstream()} answered false:
     * the adapter reads the request body (or takes companion POSTs) again, if its own downstream
     * rule allows. Never called from inside {@code ConnectStream.onBytes}.
     */
    void resumeUpstream();

    /** Ends the response after what was written. */
    void close();
}
