package io.commucat.ccp.crypto.noise;

/**
 * A Noise handshake or transport failed. The {@link Kind} is the whole diagnosis: callers branch
 * on it, never on the message, and the message never contains peer bytes.
 *
 * <p>Every failure is terminal: the handshake or transport that threw is {@code FAILED} for
 * good and refuses further use with {@link Kind#BAD_STATE}.
 */
public final class NoiseException extends Exception {

    /** Why a handshake or transport failed. */
    public enum Kind {
        /** An authentication tag did not verify: tampering, wrong keys, or a mismatched prologue. */
        DECRYPT("decrypt"),
        /** A message or record is shorter than its fixed part, or its length prefix is malformed. */
        MALFORMED_MESSAGE("malformed_message"),
        /** A message or record would exceed 65535 bytes (spec §3.7), or a payload does not fit. */
        MESSAGE_TOO_LARGE("message_too_large"),
        /** A Diffie-Hellman result was all zero: the peer sent a public key of small order. */
        BAD_KEY("bad_key"),
        /** The call does not fit the current state (out of turn, after completion or failure). */
        BAD_STATE("bad_state"),
        /** A cipher state used its last nonce (2^64 - 1 is reserved by Noise). */
        NONCE_EXHAUSTED("nonce_exhausted"),
        /** The receiver's memory budget refused the buffer a split record needs (not a peer error). */
        BUFFER_REFUSED("buffer_refused");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /** The snake-case name used in logs and metrics. */
        public String label() {
            return label;
        }
    }

    private final Kind kind;

    /** {@code message} must be a fixed text: never format peer input into it. */
    public NoiseException(Kind kind, String message) {
        // No stack trace: peers can trigger these at will, and the kind says everything.
        super(kind.label() + ": " + message, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
