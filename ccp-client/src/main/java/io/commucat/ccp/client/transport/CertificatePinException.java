package io.commucat.ccp.client.transport;

import java.security.cert.CertificateException;

/**
 * The server's certificate is not the pinned one, or does not carry the pinned public key. The
 * TLS handshake fails: {@link ClientTransport#connect()} fails with an {@code
 * SSLHandshakeException} whose cause is this. The message names both pins.
 */
public final class CertificatePinException extends CertificateException {

    private static final long serialVersionUID = 1L;

    private final String expected;
    private final String presented;

    CertificatePinException(String what, String expected, String presented) {
        super(what + ": expected " + expected + ", presented " + presented);
        this.expected = expected;
        this.presented = presented;
    }

    /** The pin the transport was given (a public-key pin, or a certificate's SHA-256 fingerprint). */
    public String expected() {
        return expected;
    }

    /** The same pin of what the server presented. */
    public String presented() {
        return presented;
    }
}
