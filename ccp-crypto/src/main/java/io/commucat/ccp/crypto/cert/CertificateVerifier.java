package io.commucat.ccp.crypto.cert;

import io.commucat.ccp.crypto.cert.CertificateException.Kind;
import java.security.MessageDigest;
import java.util.Objects;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Checks that a certificate was issued by one device CA (spec §3.6): {@code issuer} equals the CA
 * key and the signature verifies over bytes re-made from the parsed fields, never over received
 * text. Dates and names are {@link CertificateValidity}'s concern. Immutable and thread-safe.
 */
public final class CertificateVerifier {

    private final byte[] caPublicKey;

    /**
     * @param caPublicKey the device CA's Ed25519 public key, 32 bytes
     * @throws IllegalArgumentException when the key is not 32 bytes
     */
    public CertificateVerifier(byte[] caPublicKey) {
        Objects.requireNonNull(caPublicKey, "caPublicKey");
        if (caPublicKey.length != CertificateFields.KEY_LENGTH) {
            throw new IllegalArgumentException("CA public key must be " + CertificateFields.KEY_LENGTH + " bytes");
        }
        this.caPublicKey = caPublicKey.clone();
    }

    /** The CA public key this verifier trusts. */
    public byte[] caPublicKey() {
        return caPublicKey.clone();
    }

    /**
     * @throws CertificateException {@link Kind#UNTRUSTED_ISSUER} or {@link Kind#BAD_SIGNATURE}
     */
    public void verify(DeviceCertificate certificate) throws CertificateException {
        CertificateFields fields = certificate.fields();
        if (!MessageDigest.isEqual(caPublicKey, fields.issuer())) {
            throw new CertificateException(Kind.UNTRUSTED_ISSUER, "certificate issuer is not the device CA");
        }
        byte[] message = fields.canonicalBytes();
        if (!Ed25519.verify(certificate.signature(), 0, caPublicKey, 0, message, 0, message.length)) {
            throw new CertificateException(Kind.BAD_SIGNATURE, "certificate signature does not verify");
        }
    }
}
