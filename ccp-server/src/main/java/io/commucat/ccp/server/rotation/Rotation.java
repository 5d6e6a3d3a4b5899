package io.commucat.ccp.server.rotation;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.commucat.ccp.crypto.cert.DeviceCertificate;
import io.commucat.ccp.proto.ControlJson;
import io.commucat.ccp.server.http.rest.Json;
import java.time.Instant;

/**
 * A device key rotation that took effect, and the two ways it is told (rest.md): the REST
 * answer and the {@code KeyUpdate} frame to the device's open sessions. Field names and kinds
 * follow the original's {@code handle_device_csr} and {@code RotationNotification}.
 *
 * @param publicKey      the new key, lower-case hex
 * @param oldPublicKey   the replaced key, lower-case hex
 * @param rotationId     an opaque id of this rotation (also in the ledger)
 * @param eventId        the id of the stored device key event
 * @param appliedAt      when the key was replaced
 * @param proofExpiresAt the request's {@code expires_at}
 * @param certificate    the certificate for the new key
 */
public record Rotation(String deviceId, String userId, String publicKey, String oldPublicKey, String rotationId,
        String eventId, Instant appliedAt, Instant proofExpiresAt, DeviceCertificate certificate) {

    /** The type of the {@code KeyUpdate} frame's body. */
    public static final String KEY_UPDATE_TYPE = "device-key-rotated";

    /** The 200 answer: {@code applied_at} and {@code proof_expires_at} as RFC 3339. */
    ObjectNode answer() {
        ObjectNode body = Json.object();
        ids(body);
        body.put("applied_at", appliedAt.toString());
        body.put("proof_expires_at", proofExpiresAt.toString());
        body.set("certificate", certificate.toJson());
        return body;
    }

    /** The {@code KeyUpdate} body: {@code issued_at} / {@code expires_at} are the certificate's Unix seconds. */
    ObjectNode keyUpdate() {
        ObjectNode body = ControlJson.object();
        body.put("type", KEY_UPDATE_TYPE);
        ids(body);
        body.set("certificate", certificate.toJson());
        body.put("issued_at", certificate.fields().issuedAt());
        body.put("expires_at", certificate.fields().expiresAt());
        return body;
    }

    private void ids(ObjectNode body) {
        body.put("device_id", deviceId);
        body.put("user_id", userId);
        body.put("public_key", publicKey);
        body.put("old_public_key", oldPublicKey);
        body.put("rotation_id", rotationId);
        body.put("event_id", eventId);
    }
}
