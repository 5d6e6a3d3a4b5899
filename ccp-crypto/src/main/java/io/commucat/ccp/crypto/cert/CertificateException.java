package io.commucat.ccp.crypto.cert;

/**
 * A device certificate was refused. Callers branch on {@link #kind()}; the message is fixed text
 * and never repeats what the peer sent.
 */
public final class CertificateException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why a certificate was refused. */
    public enum Kind {
        /** Not a single JSON object (syntax error, trailing data, duplicate key). */
        MALFORMED_JSON,
        /** A required field is absent. */
        MISSING_FIELD,
        /** A field that the certificate format does not define is present. */
        UNKNOWN_FIELD,
        /** A field has the wrong type, range, length or hex. */
        INVALID_FIELD,
        /** {@code issuer} is not the device CA's public key. */
        UNTRUSTED_ISSUER,
        /** The CA signature does not verify over the canonical bytes. */
        BAD_SIGNATURE,
        /** {@code issued_at} is not before {@code expires_at}. */
        INVALID_VALIDITY_WINDOW,
        /** The certificate has expired ({@code now >= expires_at}). */
        EXPIRED,
        /** {@code issued_at} lies more than the allowed skew in the future. */
        NOT_YET_VALID,
        /** The certificate names another device. */
        WRONG_DEVICE,
        /** The certificate names another user. */
        WRONG_USER
    }

    private final Kind kind;

    CertificateException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    /** The reason for the refusal. */
    public Kind kind() {
        return kind;
    }
}
