package io.commucat.ccp.crypto.proof;

import cafe.cryptography.curve25519.Constants;
import cafe.cryptography.curve25519.Scalar;
import io.commucat.ccp.crypto.keys.DeviceKeyPair;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;

/**
 * The device side of the handshake proof (spec §3.5): a Schnorr proof of knowledge of the device
 * key's secret scalar {@code a}, bound to a {@link ProofContext}. Thread-safe when its
 * {@code SecureRandom} is.
 */
public final class HandshakeProver {

    private static final int NONCE_SEED_LENGTH = 64;

    private final SecureRandom random;

    /** A prover drawing its nonces from {@code random}. */
    public HandshakeProver(SecureRandom random) {
        this.random = Objects.requireNonNull(random, "random");
    }

    /**
     * Proves knowledge of {@code keys}' secret scalar: {@code r} from 64 random bytes mod ℓ,
     * {@code R = r·B}, {@code s = r + c·a}.
     *
     * @throws IllegalArgumentException when the context names another device key than {@code keys}'
     */
    public HandshakeProof prove(DeviceKeyPair keys, ProofContext context) {
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(context, "context");
        byte[] devicePublic = context.devicePublic();
        if (!keys.hasPublicKey(devicePublic)) {
            throw new IllegalArgumentException("context names another device key");
        }
        byte[] nonceSeed = new byte[NONCE_SEED_LENGTH];
        random.nextBytes(nonceSeed);
        Scalar nonce = Scalar.fromBytesModOrderWide(nonceSeed);
        Arrays.fill(nonceSeed, (byte) 0);
        // Constant-time fixed-base multiplication: r is secret.
        byte[] commitment = Constants.ED25519_BASEPOINT_TABLE.multiply(nonce).compress().toByteArray();
        Scalar challenge = ProofChallenge.derive(context.encode(), devicePublic, commitment);
        Scalar response = challenge.multiplyAndAdd(keys.secretScalar(), nonce);
        return new HandshakeProof(commitment, response.toByteArray());
    }
}
