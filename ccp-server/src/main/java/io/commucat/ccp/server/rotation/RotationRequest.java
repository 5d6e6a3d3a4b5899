package io.commucat.ccp.server.rotation;

import com.fasterxml.jackson.databind.JsonNode;
import io.commucat.ccp.crypto.Hex;
import io.commucat.ccp.crypto.keys.DeviceRotationProof;
import io.commucat.ccp.crypto.keys.Ed25519Signatures;
import io.commucat.ccp.server.http.rest.ApiException;
import io.commucat.ccp.server.http.rest.JsonBody;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * The body of {@code POST /api/device/csr} (rest.md), read and checked as the original's
 * {@code DeviceRotationRequest::decode}: {@code public_key} hex32, {@code signature} hex64,
 * {@code expires_at} RFC 3339 after now and at most {@code proof_ttl} ahead, {@code nonce}
 * optional hex of at least 8 bytes (ours: and at most 64). Every refusal is a 400 naming the
 * field; the signature itself is checked later, against the device's current key.
 *
 * @param nonce null when the request has none
 */
record RotationRequest(byte[] publicKey, byte[] signature, Instant expiresAt, byte[] nonce) {

    static RotationRequest read(JsonBody body, Instant now, Duration proofTtl) throws ApiException {
        byte[] publicKey = body.hex("public_key", Ed25519Signatures.PUBLIC_KEY_LENGTH);
        byte[] signature = body.hex("signature", Ed25519Signatures.SIGNATURE_LENGTH);
        Instant expiresAt = body.instant("expires_at");
        if (!expiresAt.isAfter(now)) {
            throw ApiException.badRequest("expires_at has passed: the rotation proof expired");
        }
        if (Duration.between(now, expiresAt).compareTo(proofTtl) > 0) {
            throw ApiException.badRequest(
                    "expires_at must be at most proof_ttl (" + proofTtl.toSeconds() + " s) from now");
        }
        return new RotationRequest(publicKey, signature, expiresAt, nonce(body.root().get("nonce")));
    }

    /**
     * Absent or null: none. Present, even empty, it must be hex of 8 to 64 bytes (the original
     * refuses an empty nonce too; the upper bound is ours, so the digest input stays small).
     */
    private static byte[] nonce(JsonNode value) throws ApiException {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw ApiException.badRequest("nonce must be a string of hex");
        }
        String text = value.textValue().trim();
        if (text.length() > 2 * DeviceRotationProof.MAX_NONCE_LENGTH) {
            throw ApiException.badRequest("nonce must be at most " + DeviceRotationProof.MAX_NONCE_LENGTH + " bytes");
        }
        byte[] nonce;
        try {
            nonce = Hex.decode(text.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("nonce must be hex");
        }
        if (nonce.length < DeviceRotationProof.MIN_NONCE_LENGTH) {
            throw ApiException.badRequest("nonce must be at least " + DeviceRotationProof.MIN_NONCE_LENGTH + " bytes");
        }
        return nonce;
    }

    /** Whether {@code signature} is {@code currentKey}'s proof over this request for {@code deviceId}. */
    boolean signedBy(byte[] currentKey, String deviceId) {
        return DeviceRotationProof.verify(currentKey, deviceId, publicKey, expiresAt.getEpochSecond(), nonce, signature);
    }
}
