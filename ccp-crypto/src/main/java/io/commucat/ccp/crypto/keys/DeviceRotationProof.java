package io.commucat.ccp.crypto.keys;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.bouncycastle.crypto.digests.Blake3Digest;

/**
 * The proof of a device key rotation request ({@code POST /api/device/csr}, rest.md): an Ed25519
 * signature by the device's <em>current</em> key over the 32-byte digest
 * {@code BLAKE3("commucat:device-rotation:v1" || device_id || new public key || i64be(expires_at) || nonce)},
 * byte for byte as the original server's {@code rotation_proof_message}: the device id as UTF-8,
 * the new key's 32 bytes, {@code expires_at} as big-endian signed Unix seconds, the nonce's raw
 * bytes (nothing when absent), with no lengths or separators in between. The signature is over
 * the digest's bytes, not over the concatenation. Stateless, thread-safe.
 */
public final class DeviceRotationProof {

    /** The domain separator that opens every digest. */
    public static final String CONTEXT = "commucat:device-rotation:v1";
    public static final int DIGEST_LENGTH = 32;
    /** The shortest nonce the server accepts (the original's rule). */
    public static final int MIN_NONCE_LENGTH = 8;
    /** The longest nonce our server accepts (ours: the original sets no bound). */
    public static final int MAX_NONCE_LENGTH = 64;

    private static final byte[] CONTEXT_BYTES = CONTEXT.getBytes(StandardCharsets.US_ASCII);

    private DeviceRotationProof() {
    }

    /**
     * The digest a rotation request's signature covers.
     *
     * @param newPublicKey the proposed Ed25519 public key, 32 bytes
     * @param expiresAtUnixSeconds when the request stops being valid
     * @param nonce optional (null: none); hashed as given, its length is the server's rule
     * @throws IllegalArgumentException when {@code newPublicKey} is not 32 bytes
     */
    public static byte[] digest(String deviceId, byte[] newPublicKey, long expiresAtUnixSeconds, byte[] nonce) {
        Objects.requireNonNull(deviceId, "deviceId");
        requireKey(newPublicKey);
        Blake3Digest blake3 = new Blake3Digest(DIGEST_LENGTH * 8);
        blake3.update(CONTEXT_BYTES, 0, CONTEXT_BYTES.length);
        byte[] id = deviceId.getBytes(StandardCharsets.UTF_8);
        blake3.update(id, 0, id.length);
        blake3.update(newPublicKey, 0, newPublicKey.length);
        byte[] expires = new byte[Long.BYTES];
        for (int i = 0; i < expires.length; i++) {
            expires[i] = (byte) (expiresAtUnixSeconds >>> (8 * (Long.BYTES - 1 - i)));
        }
        blake3.update(expires, 0, expires.length);
        if (nonce != null) {
            blake3.update(nonce, 0, nonce.length);
        }
        byte[] digest = new byte[DIGEST_LENGTH];
        blake3.doFinal(digest, 0);
        return digest;
    }

    /**
     * The request's {@code signature} (64 bytes), for the client: {@code current} signs the
     * {@link #digest}.
     *
     * @param nonce null, or {@link #MIN_NONCE_LENGTH} to {@link #MAX_NONCE_LENGTH} bytes (a
     *     request with another length is refused by the server, so it is refused here already)
     * @throws IllegalArgumentException for a key that is not 32 bytes or a nonce out of bounds
     */
    public static byte[] sign(DeviceKeyPair current, String deviceId, byte[] newPublicKey, long expiresAtUnixSeconds,
            byte[] nonce) {
        Objects.requireNonNull(current, "current");
        if (nonce != null && (nonce.length < MIN_NONCE_LENGTH || nonce.length > MAX_NONCE_LENGTH)) {
            throw new IllegalArgumentException(
                    "nonce must be " + MIN_NONCE_LENGTH + " to " + MAX_NONCE_LENGTH + " bytes");
        }
        return current.sign(digest(deviceId, newPublicKey, expiresAtUnixSeconds, nonce));
    }

    /**
     * Whether {@code signature} is {@code currentPublicKey}'s signature over the {@link #digest};
     * false (never an exception) for wrong lengths or an undecodable key.
     */
    public static boolean verify(byte[] currentPublicKey, String deviceId, byte[] newPublicKey,
            long expiresAtUnixSeconds, byte[] nonce, byte[] signature) {
        if (deviceId == null || newPublicKey == null || newPublicKey.length != Ed25519Keys.PUBLIC_KEY_LENGTH) {
            return false;
        }
        return Ed25519Signatures.verify(currentPublicKey,
                digest(deviceId, newPublicKey, expiresAtUnixSeconds, nonce), signature);
    }

    private static void requireKey(byte[] key) {
        if (key == null || key.length != Ed25519Keys.PUBLIC_KEY_LENGTH) {
            throw new IllegalArgumentException("the new public key must be " + Ed25519Keys.PUBLIC_KEY_LENGTH + " bytes");
        }
    }
}
