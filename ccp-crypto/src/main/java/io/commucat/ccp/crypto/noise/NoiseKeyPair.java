package io.commucat.ccp.crypto.noise;

import io.commucat.ccp.crypto.Hex;
import java.security.SecureRandom;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * A static X25519 key pair for Noise. Immutable; safe to share between threads and handshakes.
 * {@link #toString()} shows only the public key.
 */
public final class NoiseKeyPair {

    /** Length of private and public keys. */
    public static final int KEY_LENGTH = X25519Keys.KEY_LENGTH;

    private final byte[] privateKey;
    private final byte[] publicKey;

    private NoiseKeyPair(byte[] privateKey) {
        this.privateKey = privateKey;
        this.publicKey = new byte[KEY_LENGTH];
        X25519Keys.publicKey(privateKey, publicKey);
    }

    /** A fresh key pair from {@code random}. */
    public static NoiseKeyPair generate(SecureRandom random) {
        byte[] k = new byte[KEY_LENGTH];
        X25519.generatePrivateKey(random, k);
        return new NoiseKeyPair(k);
    }

    /**
     * The key pair of a stored 32-byte private key (not necessarily clamped; clamping happens in
     * every use, as RFC 7748 says).
     *
     * @throws IllegalArgumentException when {@code privateKey} is not 32 bytes
     */
    public static NoiseKeyPair fromPrivateKey(byte[] privateKey) {
        if (privateKey.length != KEY_LENGTH) {
            throw new IllegalArgumentException("an X25519 private key has 32 bytes");
        }
        return new NoiseKeyPair(privateKey.clone());
    }

    /** A copy of the public key. */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** A copy of the private key, for storing it; handle it as a secret. */
    public byte[] privateKey() {
        return privateKey.clone();
    }

    /** The private key itself, for the engines of this package; never modified, never leaked. */
    byte[] privateKeyRef() {
        return privateKey;
    }

    byte[] publicKeyRef() {
        return publicKey;
    }

    @Override
    public String toString() {
        return "NoiseKeyPair[public=" + Hex.encode(publicKey) + "]";
    }
}
