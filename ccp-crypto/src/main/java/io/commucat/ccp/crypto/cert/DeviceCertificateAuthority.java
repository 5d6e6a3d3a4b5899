package io.commucat.ccp.crypto.cert;

import io.commucat.ccp.crypto.keys.DeviceCaKeyPair;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Objects;

/** The device CA: issues and signs device certificates (spec §3.6, §3.2 step 8). Thread-safe. */
public final class DeviceCertificateAuthority {

    /** Validity of a certificate the server issues without being asked for another. */
    public static final Duration DEFAULT_VALIDITY = Duration.ofDays(30);

    private final DeviceCaKeyPair key;
    private final byte[] publicKey;

    /** A CA signing with {@code key}. */
    public DeviceCertificateAuthority(DeviceCaKeyPair key) {
        this.key = Objects.requireNonNull(key, "key");
        this.publicKey = key.publicKey();
    }

    /** The CA public key, the {@code issuer} of its certificates. */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** A verifier trusting this CA. */
    public CertificateVerifier verifier() {
        return new CertificateVerifier(publicKey);
    }

    /**
     * Issues a certificate valid for {@link #DEFAULT_VALIDITY} from {@code now}.
     *
     * @see #issue(long, String, String, byte[], long, Duration)
     */
    public DeviceCertificate issue(long serial, String userId, String deviceId, byte[] devicePublicKey, long now) {
        return issue(serial, userId, deviceId, devicePublicKey, now, DEFAULT_VALIDITY);
    }

    /**
     * Issues a certificate valid on {@code [now, now + validity)}.
     *
     * @param serial unsigned 64-bit serial
     * @param now Unix seconds
     * @param validity a positive duration; sub-second parts are dropped
     * @throws IllegalArgumentException when validity is under a second or the expiry overflows
     */
    public DeviceCertificate issue(long serial, String userId, String deviceId, byte[] devicePublicKey, long now,
            Duration validity) {
        Objects.requireNonNull(validity, "validity");
        if (validity.getSeconds() <= 0) {
            throw new IllegalArgumentException("validity must be at least one second");
        }
        long expiresAt;
        try {
            expiresAt = Math.addExact(now, validity.getSeconds());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("expiry does not fit in 64 bits", e);
        }
        return sign(new CertificateFields(serial, userId, deviceId, devicePublicKey, publicKey, now, expiresAt));
    }

    /**
     * Signs {@code fields}' canonical bytes.
     *
     * @throws IllegalArgumentException when {@code fields.issuer()} is not this CA's key
     */
    public DeviceCertificate sign(CertificateFields fields) {
        if (!MessageDigest.isEqual(publicKey, fields.issuer())) {
            throw new IllegalArgumentException("certificate issuer is not this CA");
        }
        return new DeviceCertificate(fields, key.sign(fields.canonicalBytes()));
    }
}
