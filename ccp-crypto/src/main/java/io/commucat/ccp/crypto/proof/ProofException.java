package io.commucat.ccp.crypto.proof;

/**
 * A handshake proof was rejected. Callers branch on {@link #kind()}; the message is fixed text
 * and never contains bytes received from the peer.
 */
public final class ProofException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why a proof was rejected. */
    public enum Kind {
        /** Not a proof: bad JSON shape or hex, wrong length, or a point that does not decode. */
        MALFORMED,
        /** {@code A} or {@code R} is encoded with y ≥ p, or with x = 0 and the sign bit set (hardening). */
        NON_CANONICAL_POINT,
        /** {@code A} or {@code R} is a point of small order (hardening). */
        SMALL_ORDER_POINT,
        /** The response {@code s} is not below the group order ℓ. */
        NON_CANONICAL_SCALAR,
        /** Well-formed, but {@code s·B ≠ R + c·A}. */
        EQUATION
    }

    private final Kind kind;

    ProofException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    /** The reason for the rejection. */
    public Kind kind() {
        return kind;
    }
}
