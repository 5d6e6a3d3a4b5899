package io.commucat.ccp.server.connect;

import io.commucat.ccp.server.handshake.HandshakeException;

/**
 * Hears the outcome of every bootstrap, for the audit ledger and metrics. Hooks do nothing by
 * default; they run on the session's event loop and must not block.
 */
public interface HandshakeListener {

    HandshakeListener NONE = new HandshakeListener() {
    };

    /**
     * A bootstrap failed.
     *
     * @param reason {@code read}, {@code decode}, {@code handshake} or {@code client-closed}
     *     (ccp-1.md §4.5)
     * @param failure the handshake error, or null for decode and close failures
     */
    default void failed(HandshakeReport report, String reason, HandshakeException failure) {
    }

    /** A bootstrap completed and the session is established. */
    default void established(HandshakeReport report) {
    }
}
