package io.commucat.ccp.server.handshake;

import com.fasterxml.jackson.databind.JsonNode;
import io.commucat.ccp.crypto.Hex;
import io.commucat.ccp.crypto.cert.CertificateException;
import io.commucat.ccp.crypto.cert.DeviceCertificate;
import io.commucat.ccp.crypto.noise.NoisePattern;
import io.commucat.ccp.crypto.proof.HandshakeProof;
import io.commucat.ccp.crypto.proof.ProofException;
import io.commucat.ccp.proto.NegotiationException;
import io.commucat.ccp.proto.ProtocolVersions;
import java.util.ArrayList;
import java.util.List;

/**
 * A device's Hello (ccp-1.md §3.1), parsed and checked for shape (§3.2 steps 1–3): version
 * negotiated, pattern known, every required field present with the right type and length.
 *
 * @param userIdHint {@code user.id} or {@code user.user_id}, or null
 * @param handleHint {@code user.handle}, or null
 * @param displayNameHint {@code user.display_name}, or null
 * @param avatarUrlHint {@code user.avatar_url}, or null
 * @param certificate the presented certificate, or null
 */
public record HelloRequest(
        int protocolVersion,
        NoisePattern pattern,
        String deviceId,
        byte[] handshake,
        byte[] clientStatic,
        byte[] devicePublic,
        HandshakeProof proof,
        String userIdHint,
        String handleHint,
        String displayNameHint,
        String avatarUrlHint,
        DeviceCertificate certificate) {

    /** Longest device id, handle or user id accepted (bytes of UTF-16; ids are short in practice). */
    public static final int MAX_ID_LENGTH = 256;
    /** Longest display name or avatar URL hint. */
    public static final int MAX_HINT_LENGTH = 2048;

    /** Parses a Hello's control object. */
    public static HelloRequest parse(JsonNode hello) throws HandshakeException {
        int version = negotiate(hello);
        NoisePattern pattern = pattern(hello);
        String deviceId = id(hello, "device_id");
        byte[] handshake = hex(hello, "handshake", -1);
        byte[] clientStatic = hex(hello, "client_static", 32);
        byte[] devicePublic = hex(hello, "device_public", 32);
        JsonNode zkp = hello.get("zkp");
        if (zkp == null || !zkp.isObject()) {
            throw HandshakeException.invalid("zkp is required");
        }
        HandshakeProof proof;
        try {
            proof = HandshakeProof.fromJson(zkp);
        } catch (ProofException e) {
            throw HandshakeException.invalid("zkp is malformed");
        }

        String userId = null;
        String handle = null;
        String displayName = null;
        String avatarUrl = null;
        JsonNode user = hello.get("user");
        if (user != null && !user.isNull()) {
            if (!user.isObject()) {
                throw HandshakeException.invalid("user must be an object");
            }
            userId = optionalText(user, "id", MAX_ID_LENGTH);
            if (userId == null) {
                userId = optionalText(user, "user_id", MAX_ID_LENGTH);
            }
            handle = optionalText(user, "handle", MAX_ID_LENGTH);
            displayName = optionalText(user, "display_name", MAX_HINT_LENGTH);
            avatarUrl = optionalText(user, "avatar_url", MAX_HINT_LENGTH);
        }

        DeviceCertificate certificate = null;
        JsonNode cert = hello.get("certificate");
        if (cert != null && !cert.isNull()) {
            try {
                certificate = DeviceCertificate.fromJson(cert);
            } catch (CertificateException e) {
                throw HandshakeException.invalid("certificate is malformed");
            }
        }
        return new HelloRequest(version, pattern, deviceId, handshake, clientStatic, devicePublic, proof,
                userId, handle, displayName, avatarUrl, certificate);
    }

    private static int negotiate(JsonNode hello) throws HandshakeException {
        // Exact numbers go to the negotiation, never asLong(): 2^64 + 1 would wrap to version 1.
        List<Number> versions = null;
        JsonNode list = hello.get("supported_versions");
        if (list != null && !list.isNull()) {
            if (!list.isArray()) {
                throw negotiation("supported_versions must be an array");
            }
            versions = new ArrayList<>();
            for (JsonNode v : list) {
                if (!v.isIntegralNumber() || v.bigIntegerValue().signum() < 0) {
                    throw negotiation("supported_versions entries must be unsigned integers");
                }
                versions.add(v.numberValue());
            }
        }
        Number single = null;
        JsonNode one = hello.get("protocol_version");
        if (versions == null && one != null && !one.isNull()) {
            if (!one.isIntegralNumber() || one.bigIntegerValue().signum() < 0) {
                throw negotiation("protocol_version must be an unsigned integer");
            }
            single = one.numberValue();
        }
        try {
            return ProtocolVersions.negotiate(versions, single);
        } catch (NegotiationException e) {
            throw negotiation(e.kind() == NegotiationException.Kind.NO_COMMON_VERSION
                    ? "no common protocol version; supported=" + ProtocolVersions.SUPPORTED
                    : "unsupported protocol version; supported=" + ProtocolVersions.SUPPORTED);
        }
    }

    private static HandshakeException negotiation(String reason) {
        return new HandshakeException(HandshakeException.Kind.NEGOTIATION, "protocol negotiation failed: " + reason);
    }

    private static NoisePattern pattern(JsonNode hello) throws HandshakeException {
        JsonNode p = hello.get("pattern");
        if (p != null && p.isTextual()) {
            switch (p.textValue()) {
                case "XK":
                    return NoisePattern.XK;
                case "IK":
                    return NoisePattern.IK;
                default:
                    break;
            }
        }
        throw HandshakeException.invalid("pattern must be XK or IK");
    }

    private static String id(JsonNode node, String field) throws HandshakeException {
        String value = optionalText(node, field, MAX_ID_LENGTH);
        if (value == null || value.isBlank()) {
            throw HandshakeException.invalid(field + " is required");
        }
        return value;
    }

    private static String optionalText(JsonNode node, String field, int maxLength) throws HandshakeException {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw HandshakeException.invalid(field + " must be a string");
        }
        String text = v.textValue();
        if (text.length() > maxLength) {
            throw HandshakeException.invalid(field + " is longer than " + maxLength + " characters");
        }
        for (int i = 0; i < text.length(); i++) {
            if (Character.isISOControl(text.charAt(i))) {
                throw HandshakeException.invalid(field + " contains control characters");
            }
        }
        return text;
    }

    private static byte[] hex(JsonNode node, String field, int length) throws HandshakeException {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw HandshakeException.invalid(field + " is required");
        }
        try {
            return length < 0 ? Hex.decode(v.textValue()) : Hex.decodeFixed(v.textValue(), length);
        } catch (IllegalArgumentException e) {
            throw HandshakeException.invalid(field + " must be " + (length < 0 ? "hex" : length + " bytes of hex"));
        }
    }

    /** Hides key material and proofs; ids are fine in logs. */
    @Override
    public String toString() {
        return "Hello[" + pattern + ", v" + protocolVersion + ", device=" + deviceId + "]";
    }
}
