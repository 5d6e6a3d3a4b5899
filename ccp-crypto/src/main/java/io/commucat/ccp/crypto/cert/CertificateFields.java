package io.commucat.ccp.crypto.cert;

import io.commucat.ccp.crypto.Hex;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * The signed part of a device certificate (spec §3.6). {@link #canonicalBytes()} are the exact
 * bytes the device CA signs.
 *
 * @param serial the serial number, an unsigned 64-bit integer held in a {@code long}
 *     (use {@link #serialText()} or {@link #serialValue()}, never {@code Long.toString})
 * @param userId the user the device belongs to
 * @param deviceId the device id
 * @param publicKey the device's Ed25519 public key, 32 bytes
 * @param issuer the device CA's public key, 32 bytes
 * @param issuedAt Unix seconds
 * @param expiresAt Unix seconds
 */
public record CertificateFields(
        long serial, String userId, String deviceId, byte[] publicKey, byte[] issuer, long issuedAt, long expiresAt) {

    /** Length of {@code public_key} and {@code issuer}. */
    public static final int KEY_LENGTH = 32;

    /**
     * @throws IllegalArgumentException when a key is not 32 bytes or a string holds an unpaired
     *     surrogate (it has no UTF-8 form, so it could not be signed faithfully)
     * @throws NullPointerException when an argument is null
     */
    public CertificateFields {
        requireWellFormed(userId, "userId");
        requireWellFormed(deviceId, "deviceId");
        publicKey = requireKey(publicKey, "publicKey");
        issuer = requireKey(issuer, "issuer");
    }

    private static void requireWellFormed(String value, String name) {
        Objects.requireNonNull(value, name);
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (Character.isHighSurrogate(ch) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(ch)) {
                throw new IllegalArgumentException(name + " holds an unpaired surrogate");
            }
        }
    }

    private static byte[] requireKey(byte[] key, String name) {
        Objects.requireNonNull(key, name);
        if (key.length != KEY_LENGTH) {
            throw new IllegalArgumentException(name + " must be " + KEY_LENGTH + " bytes");
        }
        return key.clone();
    }

    @Override
    public byte[] publicKey() {
        return publicKey.clone();
    }

    @Override
    public byte[] issuer() {
        return issuer.clone();
    }

    /** The serial in decimal, unsigned. */
    public String serialText() {
        return Long.toUnsignedString(serial);
    }

    /** The serial as a non-negative number below 2^64. */
    public BigInteger serialValue() {
        return new BigInteger(serialText());
    }

    /** The compact JSON that is signed, with keys in the order of spec §3.6. */
    public String canonicalJson() {
        return CanonicalJson.fields(this);
    }

    /** {@link #canonicalJson()} as UTF-8: the bytes the CA signs. */
    public byte[] canonicalBytes() {
        return canonicalJson().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CertificateFields that
                && serial == that.serial
                && userId.equals(that.userId)
                && deviceId.equals(that.deviceId)
                && Arrays.equals(publicKey, that.publicKey)
                && Arrays.equals(issuer, that.issuer)
                && issuedAt == that.issuedAt
                && expiresAt == that.expiresAt;
    }

    @Override
    public int hashCode() {
        return Objects.hash(serial, userId, deviceId, Arrays.hashCode(publicKey), Arrays.hashCode(issuer),
                issuedAt, expiresAt);
    }

    @Override
    public String toString() {
        return "CertificateFields[serial=" + serialText() + ", userId=" + userId + ", deviceId=" + deviceId
                + ", publicKey=" + Hex.encode(publicKey) + ", issuer=" + Hex.encode(issuer)
                + ", issuedAt=" + issuedAt + ", expiresAt=" + expiresAt + "]";
    }
}
