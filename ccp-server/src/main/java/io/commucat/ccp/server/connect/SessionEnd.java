package io.commucat.ccp.server.connect;

/** Why an established session ended, as the audit ledger names it. */
public enum SessionEnd {
    /** A newer session of the same device took over. */
    REPLACED("replaced"),
    /** The device ended its upstream. */
    CLIENT_CLOSED("client-closed"),
    /** The stream or connection went away (reset, connection lost, liveness timeout). */
    TRANSPORT_CLOSED("transport-closed"),
    /**
     * The device stopped reading what was sent to it for the stall timeout: the stream was cut,
     * its durable frames stay queued (issue #19 §1, slow receivers).
     */
    STALLED_READER("stalled-reader"),
    /** An encrypted frame did not decode. */
    DECODE_ERROR("decode-error"),
    /** A Noise transport message did not decrypt. */
    DECRYPTION_FAILURE("decryption-failure"),
    /** Sealing a frame for the device failed (nonce exhausted). */
    ENCRYPTION_FAILURE("encryption-failure"),
    /** The node-wide buffer budget could not hold the device's unfinished frame. */
    BUFFER_BUDGET("buffer-budget"),
    /** The device was revoked (on this node or another). */
    REVOKED("revoked"),
    /** The server is shutting down. */
    SHUTDOWN("shutdown"),
    /** Closed by the server for another reason (the transport adapter asked). */
    SERVER_CLOSED("server-closed");

    private final String label;

    SessionEnd(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
