package io.commucat.ccp.server.connect;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.commucat.ccp.crypto.Hex;
import io.commucat.ccp.crypto.cert.DeviceCertificate;
import io.commucat.ccp.proto.ControlJson;
import io.commucat.ccp.proto.ProtocolVersions;
import io.commucat.ccp.server.handshake.ActiveNoiseKey;
import io.commucat.ccp.server.handshake.HelloRequest;
import io.commucat.ccp.server.handshake.Resolution;
import io.commucat.ccp.server.storage.User;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;

/**
 * The JSON the server says during the bootstrap (ccp-1.md §3.3, §3.4): the payload inside Noise
 * message 2, the Auth frame that carries it, and the Ack. Pure functions of what the bootstrap
 * learnt; field order is part of the bytes on the wire and stays as it is.
 *
 * <p>Threading: stateless; called on the stream's event loop.
 */
final class BootstrapMessages {

    private BootstrapMessages() {
    }

    /** §3.3: what Noise message 2 carries, encrypted to the device. */
    static ObjectNode serverPayload(String token, String domain, HelloRequest hello, User user) {
        ObjectNode payload = ControlJson.object();
        payload.put("session", token);
        payload.put("domain", domain);
        payload.put("protocol_version", hello.protocolVersion());
        payload.put("user_id", user.id());
        payload.set("user", userSnapshot(user));
        return payload;
    }

    /** §3.2 step 10: the server's Auth, with Noise message 2 in {@code handshake}. */
    static ObjectNode serverAuth(String token, HelloRequest hello, byte[] message2, ActiveNoiseKey noiseKey,
            byte[] caPublicKey, Resolution resolution) {
        ObjectNode auth = ControlJson.object();
        auth.put("session", token);
        auth.put("device_id", hello.deviceId());
        auth.put("handshake", Hex.encode(message2));
        auth.put("server_static", Hex.encode(noiseKey.keyPair().publicKey()));
        auth.put("protocol_version", hello.protocolVersion());
        ArrayNode versions = auth.putArray("supported_versions");
        ProtocolVersions.SUPPORTED.forEach(versions::add);
        auth.put("device_ca_public", Hex.encode(caPublicKey));
        auth.set("user", userSnapshot(resolution.user()));
        auth.set("certificate", resolution.certificate().toJson());
        return auth;
    }

    /**
     * §3.4: the Ack with every key it lists.
     *
     * @param catalog every Noise key a device may meet now, newest first
     */
    static ObjectNode ack(String token, Resolution resolution, ActiveNoiseKey noiseKey, byte[] caPublicKey,
            Duration keepaliveInterval, List<ActiveNoiseKey> catalog) {
        User user = resolution.user();
        ObjectNode ack = ControlJson.object();
        ack.put("handshake", "ok");
        ack.put("session", token);
        ack.put("user_id", user.id());
        ack.set("user", userSnapshot(user));
        ack.put("pairing_required", resolution.pairingRequired());
        ack.put("device_ca_public", Hex.encode(caPublicKey));
        ack.put("noise_public", Hex.encode(noiseKey.keyPair().publicKey()));
        ack.put("keepalive_interval", keepaliveInterval.toSeconds());
        ack.put("noise_key_version", noiseKey.version());
        ack.put("noise_rotates_at", noiseKey.rotatesAt().toString());
        ack.put("noise_expires_at", noiseKey.expiresAt().toString());
        ArrayNode keys = ack.putArray("noise_keys");
        for (ActiveNoiseKey key : catalog) {
            ObjectNode k = keys.addObject();
            k.put("version", key.version());
            k.put("public", Hex.encode(key.keyPair().publicKey()));
            k.put("valid_after", key.validAfter().toString());
            k.put("rotates_at", key.rotatesAt().toString());
            k.put("expires_at", key.expiresAt().toString());
        }
        DeviceCertificate certificate = resolution.certificate();
        ObjectNode summary = ack.putObject("certificate");
        summary.put("serial", new BigInteger(certificate.fields().serialText()));
        summary.put("issued_at", certificate.fields().issuedAt());
        summary.put("expires_at", certificate.fields().expiresAt());
        ack.set("device_certificate", certificate.toJson());
        return ack;
    }

    private static ObjectNode userSnapshot(User user) {
        ObjectNode u = ControlJson.object();
        u.put("id", user.id());
        u.put("user_id", user.id());
        u.put("handle", user.handle());
        u.put("display_name", user.displayName());
        u.put("avatar_url", user.avatarUrl());
        return u;
    }
}
