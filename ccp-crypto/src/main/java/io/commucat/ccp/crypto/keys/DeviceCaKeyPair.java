package io.commucat.ccp.crypto.keys;

import io.commucat.ccp.crypto.Hex;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;

/**
 * The device CA's Ed25519 key pair, which signs device certificates (spec §3.6). Derived from a
 * seed the same way as a device key: {@code sk = BLAKE3(seed)}. Immutable; {@link #toString()}
 * never shows secret material.
 */
public final class DeviceCaKeyPair {

    /** The shortest seed accepted, in bytes. */
    public static final int MIN_SEED_LENGTH = Ed25519Keys.MIN_SEED_LENGTH;

    private final byte[] secretKey;
    private final byte[] publicKey;

    private DeviceCaKeyPair(byte[] secretKey) {
        this.secretKey = secretKey;
        this.publicKey = Ed25519Keys.publicKeyOf(secretKey);
    }

    /**
     * Derives the CA key pair from a seed.
     *
     * @throws IllegalArgumentException when the seed is shorter than {@link #MIN_SEED_LENGTH} bytes
     */
    public static DeviceCaKeyPair fromSeed(byte[] seed) {
        return new DeviceCaKeyPair(Ed25519Keys.secretKeyFromSeed(seed));
    }

    /** A fresh CA key pair from a 32-byte seed drawn from {@code random}. */
    public static DeviceCaKeyPair generate(SecureRandom random) {
        byte[] seed = new byte[MIN_SEED_LENGTH];
        Objects.requireNonNull(random, "random").nextBytes(seed);
        try {
            return fromSeed(seed);
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
    }

    /**
     * Restores the CA key pair from its stored 32-byte Ed25519 secret key (not the seed).
     *
     * @throws IllegalArgumentException when {@code secretKey} is not 32 bytes
     */
    public static DeviceCaKeyPair fromSecretKey(byte[] secretKey) {
        return new DeviceCaKeyPair(Ed25519Keys.requireSecretKey(secretKey));
    }

    /** The CA public key: the {@code issuer} of the certificates it signs. */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** The 32-byte Ed25519 secret key; the caller owns (and should wipe) the copy. */
    public byte[] secretKey() {
        return secretKey.clone();
    }

    /** Plain Ed25519 signature (RFC 8032, deterministic) of {@code message}. */
    public byte[] sign(byte[] message) {
        return Ed25519Keys.sign(secretKey, publicKey, message);
    }

    @Override
    public String toString() {
        return "DeviceCaKeyPair[public=" + Hex.encode(publicKey) + ", secret=<redacted>]";
    }
}
