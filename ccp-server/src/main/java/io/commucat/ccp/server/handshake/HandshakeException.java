package io.commucat.ccp.server.handshake;

/**
 * A bootstrap failure (ccp-1.md §4.5). The server answers it with an {@code Error} frame on
 * channel 0 and ends the stream. {@link #detail()} is what the device reads: it names the rule
 * that failed and never echoes what the device sent.
 */
public final class HandshakeException extends Exception {

    public enum Kind {
        /** A field is missing or malformed, or a rule of §3.2 refused the device. */
        INVALID,
        /** The device must be paired first (§3.2 step 6); the Error carries the pairing fields. */
        PAIRING_REQUIRED,
        /** No protocol version in common (§2.2). */
        NEGOTIATION,
        /** A storage dependency failed; the device may retry. */
        UNAVAILABLE,
        /** A per-address limit refused the attempt (too many new devices); the device may retry later. */
        RATE_LIMITED,
        /** The device did not finish its part of the bootstrap before the deadline. */
        TIMEOUT
    }

    private final Kind kind;
    private final String detail;
    private final String knownUserId;

    public HandshakeException(Kind kind, String detail) {
        this(kind, detail, null);
    }

    public HandshakeException(Kind kind, String detail, Throwable cause) {
        this(kind, detail, cause, null);
    }

    private HandshakeException(Kind kind, String detail, Throwable cause, String knownUserId) {
        super(kind + ": " + detail, cause, false, false);
        this.kind = kind;
        this.detail = detail;
        this.knownUserId = knownUserId;
    }

    /**
     * The same failure, marked as refusing a registered device of {@code userId}: the audit
     * ledger then tells a known device refused (e.g. for a key mismatch) from a stranger.
     */
    public HandshakeException forKnownDevice(String userId) {
        return new HandshakeException(kind, detail, getCause(), userId);
    }

    /** The user of the registered device this failure refused, or null when the device was not known. */
    public String knownUserId() {
        return knownUserId;
    }

    public static HandshakeException invalid(String detail) {
        return new HandshakeException(Kind.INVALID, detail);
    }

    public Kind kind() {
        return kind;
    }

    public String detail() {
        return detail;
    }
}
