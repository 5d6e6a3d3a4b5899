package io.commucat.ccp.server.storage;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * One version of the server's Noise static key.
 *
 * @param publicKey 32 bytes
 * @param sealedPrivateKey the private key as the Secrets port keeps it: sealed with the
 *     configured at-rest key when one is set, else plain
 */
public record NoiseKeyRecord(int version, byte[] publicKey, byte[] sealedPrivateKey, Instant validAfter,
        Instant rotatesAt, Instant expiresAt) {

    public NoiseKeyRecord {
        Objects.requireNonNull(validAfter, "validAfter");
        Objects.requireNonNull(rotatesAt, "rotatesAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        publicKey = publicKey.clone();
        sealedPrivateKey = sealedPrivateKey.clone();
    }

    @Override
    public byte[] publicKey() {
        return publicKey.clone();
    }

    @Override
    public byte[] sealedPrivateKey() {
        return sealedPrivateKey.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NoiseKeyRecord r && version == r.version && Arrays.equals(publicKey, r.publicKey)
                && Arrays.equals(sealedPrivateKey, r.sealedPrivateKey) && validAfter.equals(r.validAfter)
                && rotatesAt.equals(r.rotatesAt) && expiresAt.equals(r.expiresAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(version, Arrays.hashCode(publicKey), validAfter, rotatesAt, expiresAt);
    }

    /** Never shows key material. */
    @Override
    public String toString() {
        return "NoiseKeyRecord[version=" + version + ", validAfter=" + validAfter + ", rotatesAt=" + rotatesAt
                + ", expiresAt=" + expiresAt + "]";
    }
}
