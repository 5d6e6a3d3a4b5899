package io.commucat.ccp.server.connect;

import io.commucat.ccp.proto.Frame;

/**
 * Where a {@link ConnectSession} writes: the seam between the transport-neutral session and a
 * transport adapter (binary HTTP/2 or HTTP/1.1, WebSocket, SSE, long-poll). Called only on the
 * session's event loop, one call at a time; {@link #close()} is the last call.
 */
public interface Downstream {

    /**
     * Writes the bytes the protocol produced for {@code frame}: its plain encoding during the
     * bootstrap, {@code varint(len) || ciphertext} records after it (ccp-1.md §1.2). The frame is
     * given in clear so SSE and long-poll can label the write (§1.2).
     */
    void write(Frame frame, byte[] wireBytes);

    /** Ends the response after what was written. */
    void close();
}
