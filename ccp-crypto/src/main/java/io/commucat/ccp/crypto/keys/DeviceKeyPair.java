package io.commucat.ccp.crypto.keys;

import cafe.cryptography.curve25519.Scalar;
import io.commucat.ccp.crypto.Hex;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;

/**
 * A device's Ed25519 key pair (spec §3.5): {@code sk = BLAKE3(seed)}, the public key {@code A} is
 * the Ed25519 public key of {@code sk}, and {@code a} is its secret scalar. Immutable; accessors
 * return copies, and {@link #toString()} never shows secret material.
 */
public final class DeviceKeyPair {

    /** The shortest seed accepted, in bytes. */
    public static final int MIN_SEED_LENGTH = Ed25519Keys.MIN_SEED_LENGTH;

    private final byte[] secretKey;
    private final byte[] publicKey;
    private final Scalar secretScalar;

    private DeviceKeyPair(byte[] secretKey) {
        this.secretKey = secretKey;
        this.publicKey = Ed25519Keys.publicKeyOf(secretKey);
        this.secretScalar = Ed25519Keys.secretScalarOf(secretKey);
    }

    /**
     * Derives the key pair from a seed.
     *
     * @throws IllegalArgumentException when the seed is shorter than {@link #MIN_SEED_LENGTH} bytes
     */
    public static DeviceKeyPair fromSeed(byte[] seed) {
        return new DeviceKeyPair(Ed25519Keys.secretKeyFromSeed(seed));
    }

    /** A fresh key pair from a 32-byte seed drawn from {@code random}. */
    public static DeviceKeyPair generate(SecureRandom random) {
        byte[] seed = new byte[MIN_SEED_LENGTH];
        Objects.requireNonNull(random, "random").nextBytes(seed);
        try {
            return fromSeed(seed);
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
    }

    /**
     * Restores a key pair from its stored 32-byte Ed25519 secret key {@code sk} (not the seed).
     *
     * @throws IllegalArgumentException when {@code secretKey} is not 32 bytes
     */
    public static DeviceKeyPair fromSecretKey(byte[] secretKey) {
        return new DeviceKeyPair(Ed25519Keys.requireSecretKey(secretKey));
    }

    /** The Ed25519 public key {@code A} (32 bytes, {@code device_public} on the wire). */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** The 32-byte Ed25519 secret key {@code sk}; the caller owns (and should wipe) the copy. */
    public byte[] secretKey() {
        return secretKey.clone();
    }

    /**
     * The secret scalar {@code a} (clamped lower half of SHA-512(sk), reduced mod ℓ), for the
     * handshake prover. It is secret: do not log it ({@code Scalar.toString()} prints its value).
     */
    public Scalar secretScalar() {
        return secretScalar;
    }

    /** Plain Ed25519 signature (RFC 8032, deterministic) of {@code message} with {@code sk}. */
    public byte[] sign(byte[] message) {
        return Ed25519Keys.sign(secretKey, publicKey, message);
    }

    /** Whether {@code candidate} is this pair's public key (constant time in the key bytes). */
    public boolean hasPublicKey(byte[] candidate) {
        return candidate != null && MessageDigest.isEqual(publicKey, candidate);
    }

    @Override
    public String toString() {
        return "DeviceKeyPair[public=" + Hex.encode(publicKey) + ", secret=<redacted>]";
    }
}
