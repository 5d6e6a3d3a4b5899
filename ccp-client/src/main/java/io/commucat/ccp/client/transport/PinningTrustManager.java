package io.commucat.ccp.client.transport;

import java.net.Socket;
import java.security.MessageDigest;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts one server only: the one whose leaf certificate is the pinned certificate, or whose
 * leaf carries the pinned public key. The pin is the whole trust decision: the issuer, the host
 * name and the validity dates are not checked (the TLS handshake still proves that the server
 * holds the key). Being an {@link X509ExtendedTrustManager}, it is called as is, with no
 * host-name check of the JDK's added. Thread-safe (immutable).
 */
final class PinningTrustManager extends X509ExtendedTrustManager {

    private static final X509Certificate[] NO_ISSUERS = new X509Certificate[0];

    /** Exactly one of the two. */
    private final byte[] certificate;
    private final byte[] publicKeySha256;
    private final String expected;

    private PinningTrustManager(byte[] certificate, byte[] publicKeySha256, String expected) {
        this.certificate = certificate;
        this.publicKeySha256 = publicKeySha256;
        this.expected = expected;
    }

    /** Accepts the server whose leaf certificate is {@code pinned}, byte for byte. */
    static PinningTrustManager certificate(X509Certificate pinned) throws CertificateEncodingException {
        return new PinningTrustManager(pinned.getEncoded(), null, "certificate SHA-256 " + CertificatePins.fingerprint(pinned));
    }

    /** Accepts the server whose leaf carries the public key of {@code pin} ({@code sha256/...}). */
    static PinningTrustManager publicKey(String pin) {
        byte[] sha256 = CertificatePins.publicKeyPinBytes(pin);
        return new PinningTrustManager(null, sha256, "sha256/" + Base64.getEncoder().encodeToString(sha256));
    }

    private void check(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("the server presented no certificate");
        }
        X509Certificate leaf = chain[0];
        if (certificate != null) {
            if (!MessageDigest.isEqual(certificate, leaf.getEncoded())) {
                throw new CertificatePinException("the server's certificate is not the pinned certificate", expected,
                        "certificate SHA-256 " + CertificatePins.fingerprint(leaf));
            }
        } else {
            byte[] presented = CertificatePins.sha256(leaf.getPublicKey().getEncoded());
            if (!MessageDigest.isEqual(publicKeySha256, presented)) {
                throw new CertificatePinException("the server's public key does not match the pinned key", expected,
                        "sha256/" + Base64.getEncoder().encodeToString(presented));
            }
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("a device trusts servers only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("a device trusts servers only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("a device trusts servers only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return NO_ISSUERS.clone();
    }
}
