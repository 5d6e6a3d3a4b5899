package io.commucat.ccp.server.node;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.commucat.ccp.crypto.Hex;
import io.commucat.ccp.proto.ControlJson;
import io.commucat.ccp.proto.ProtocolVersions;
import io.commucat.ccp.server.config.ServerConfig;
import io.commucat.ccp.server.handshake.ActiveNoiseKey;
import io.commucat.ccp.server.handshake.NoiseKeyRing;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/** {@code GET /api/server-info} (rest.md): the original's keys, plus our {@code connect_modes}. */
final class ServerInfo implements Supplier<ObjectNode> {

    private final ServerConfig config;
    private final NoiseKeyRing keys;
    private final byte[] caPublic;
    private final Clock clock;

    ServerInfo(ServerConfig config, NoiseKeyRing keys, byte[] caPublic, Clock clock) {
        this.config = config;
        this.keys = keys;
        this.caPublic = caPublic.clone();
        this.clock = clock;
    }

    @Override
    public ObjectNode get() {
        Instant now = clock.instant();
        ObjectNode info = ControlJson.object();
        info.put("domain", config.server().domain());
        List<ActiveNoiseKey> active = keys.active(now);
        info.put("noise_public", active.isEmpty() ? null : Hex.encode(active.get(0).keyPair().publicKey()));
        ArrayNode catalog = info.putArray("noise_keys");
        for (ActiveNoiseKey key : keys.catalog(now)) {
            ObjectNode k = catalog.addObject();
            k.put("version", key.version());
            k.put("public", Hex.encode(key.keyPair().publicKey()));
            k.put("valid_after", key.validAfter().toString());
            k.put("rotates_at", key.rotatesAt().toString());
            k.put("expires_at", key.expiresAt().toString());
        }
        info.put("device_ca_public", Hex.encode(caPublic));
        info.putArray("supported_patterns").add("XK").add("IK");
        ArrayNode versions = info.putArray("supported_versions");
        ProtocolVersions.SUPPORTED.forEach(versions::add);
        ObjectNode session = info.putObject("session");
        session.put("ttl_seconds", config.server().keepalive().toSeconds());
        session.put("keepalive_interval", config.keepaliveInterval().toSeconds());
        info.putObject("presence").put("ttl_seconds", config.limits().presenceTtl().toSeconds());
        ObjectNode rotation = info.putObject("device_rotation");
        rotation.put("enabled", config.deviceRotation().enabled());
        rotation.put("min_interval_seconds", config.deviceRotation().minInterval().toSeconds());
        rotation.put("proof_ttl_seconds", config.deviceRotation().proofTtl().toSeconds());
        ObjectNode pairing = info.putObject("pairing");
        pairing.put("auto_approve", config.server().autoApproveDevices());
        pairing.put("pairing_ttl", config.limits().pairingTtl().toSeconds());
        pairing.put("max_auto_devices", config.server().maxAutoDevicesPerUser());
        ObjectNode pq = info.putObject("post_quantum");
        pq.put("enabled", false);
        pq.putNull("kem_algorithm");
        pq.putNull("signature_algorithm");
        pq.putNull("kem_public_hex");
        // The modes this server serves (ccp-1.md §1.1).
        info.putArray("connect_modes").add("binary").add("websocket").add("sse").add("long-poll");
        return info;
    }
}
