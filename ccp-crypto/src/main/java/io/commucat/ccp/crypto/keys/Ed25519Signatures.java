package io.commucat.ccp.crypto.keys;

import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Checking a device's plain Ed25519 signature (RFC 8032, no context, no prehash): a pairing
 * claim's proof of possession and a key rotation request (rest.md). Bouncy Castle refuses
 * non-canonical {@code S} and undecodable points. Stateless, thread-safe.
 */
public final class Ed25519Signatures {

    public static final int PUBLIC_KEY_LENGTH = Ed25519Keys.PUBLIC_KEY_LENGTH;
    public static final int SIGNATURE_LENGTH = Ed25519Keys.SIGNATURE_LENGTH;

    private Ed25519Signatures() {
    }

    /** Whether {@code signature} is {@code publicKey}'s signature over {@code message}; false for wrong lengths. */
    public static boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
        if (publicKey == null || publicKey.length != PUBLIC_KEY_LENGTH || signature == null
                || signature.length != SIGNATURE_LENGTH || message == null) {
            return false;
        }
        try {
            return Ed25519.verify(signature, 0, publicKey, 0, message, 0, message.length);
        } catch (RuntimeException e) {
            return false;
        }
    }
}
