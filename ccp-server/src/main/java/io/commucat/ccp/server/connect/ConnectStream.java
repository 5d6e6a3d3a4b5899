package io.commucat.ccp.server.connect;

/**
 * One {@code /connect} session as the transport sees it: the upstream half of the seam whose
 * downstream half is {@link Downstream}.
 *
 * <p>Threading: every method is called on the stream's event loop, one call at a time. After
 * {@link #onUpstreamEnd()} no more bytes come; after {@link #onTransportClosed()} or after the
 * stream called {@code Downstream.close()}, the transport calls nothing more except
 * {@link #onTransportClosed()} once if the transport dies before the stream closed itself.
 */
public interface ConnectStream {

    /** Upstream bytes, in order, in any chunking. The array is not kept by the caller. */
    void onBytes(byte[] data, int off, int len);

    /** The request body ended (HTTP/2 END_STREAM, HTTP/1.1 last chunk). */
    void onUpstreamEnd();

    /** The transport is gone: stream reset, connection lost, liveness timeout. */
    void onTransportClosed();

    /**
     * The transport cut the stream because its reader stopped taking bytes (the stall timeout) or
     * fell impossibly far behind: as {@link #onTransportClosed()}, with that reason.
     */
    default void onReaderStalled() {
        onTransportClosed();
    }

    /**
     * The reader drained what was unread down to half the window after {@code Downstream.room()}
     * had answered none: the stream may produce again.
     */
    void onReady();

    /**
     * Whether the stream takes more upstream now. The transport asks before each read of the
     * request body (along with its own downstream rule); after a false, the stream calls
     * {@code Downstream.resumeUpstream()} once it takes upstream again. Storage back-pressure:
     * a device sending faster than its frames are stored is not read, and stalls on HTTP/2 flow
     * control or TCP instead of being refused.
     */
    default boolean wantsUpstream() {
        return true;
    }

    /** The server is shutting down: send a final error and end the downstream. */
    void shutdown();
}
