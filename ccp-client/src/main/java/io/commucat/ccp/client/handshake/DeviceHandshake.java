package io.commucat.ccp.client.handshake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.commucat.ccp.crypto.Hex;
import io.commucat.ccp.crypto.cert.CertificateException;
import io.commucat.ccp.crypto.cert.DeviceCertificate;
import io.commucat.ccp.crypto.noise.NoiseException;
import io.commucat.ccp.crypto.noise.NoiseHandshake;
import io.commucat.ccp.crypto.noise.NoisePattern;
import io.commucat.ccp.crypto.noise.NoiseTransport;
import io.commucat.ccp.crypto.noise.SecureFrameStream;
import io.commucat.ccp.crypto.proof.HandshakeProof;
import io.commucat.ccp.crypto.proof.HandshakeProver;
import io.commucat.ccp.crypto.proof.ProofContext;
import io.commucat.ccp.proto.ControlJson;
import io.commucat.ccp.proto.ControlPayload;
import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.proto.FrameType;
import io.commucat.ccp.proto.ProtocolVersions;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;

/**
 * The device side of the CCP-1 bootstrap (ccp-1.md §3), transport-neutral: it makes the frames a
 * device sends and reads the server's answers; the caller moves the bytes. One instance per
 * attempt; not thread-safe.
 *
 * <pre>{@code
 * Frame hello = handshake.hello();            // send
 * Frame auth = handshake.onServerAuth(reply); // send
 * EstablishedSession s = handshake.onAck(ack);
 * }</pre>
 */
public final class DeviceHandshake {

    /** The device's own frames are numbered from 1 on each connection (§4.2). */
    private long nextSequence = 1;

    private final DeviceIdentity identity;
    private final String domain;
    private final NoisePattern pattern;
    private final UserHints hints;
    private final NoiseHandshake noise;
    private final HandshakeProver prover;
    private NoiseTransport transport;
    private String session;
    private ObjectNode serverPayload;

    /**
     * @param serverNoiseKey the server's Noise static public key (from {@code /api/server-info})
     * @param prologue the Noise prologue (default ASCII {@code commucat})
     */
    public DeviceHandshake(DeviceIdentity identity, String domain, byte[] serverNoiseKey, byte[] prologue,
            NoisePattern pattern, UserHints hints, SecureRandom random) {
        this.identity = identity;
        this.domain = domain;
        this.pattern = pattern;
        this.hints = hints == null ? UserHints.NONE : hints;
        this.noise = NoiseHandshake.initiator(pattern, identity.noiseKey(), serverNoiseKey, prologue);
        this.prover = new HandshakeProver(random);
    }

    /** The default prologue of ccp-1.md §3.7. */
    public static byte[] defaultPrologue() {
        return "commucat".getBytes(StandardCharsets.US_ASCII);
    }

    /** Step 1: the Hello carrying Noise message 1 and the proof of the device key. */
    public Frame hello() throws DeviceHandshakeException {
        byte[] message1;
        try {
            message1 = noise.writeMessage(new byte[0]);
        } catch (NoiseException e) {
            throw DeviceHandshakeException.protocol("cannot write Noise message 1");
        }
        byte[] devicePublic = identity.deviceKey().publicKey();
        byte[] clientStatic = identity.noiseKey().publicKey();
        HandshakeProof proof = prover.prove(identity.deviceKey(),
                new ProofContext(domain, identity.deviceId(), devicePublic, clientStatic));
        ObjectNode hello = ControlJson.object();
        hello.put("pattern", pattern.name());
        var versions = hello.putArray("supported_versions");
        ProtocolVersions.SUPPORTED.forEach(versions::add);
        hello.put("device_id", identity.deviceId());
        hello.put("handshake", Hex.encode(message1));
        hello.put("client_static", Hex.encode(clientStatic));
        hello.put("device_public", Hex.encode(devicePublic));
        hello.set("zkp", proof.toJson());
        if (!hints.isEmpty()) {
            ObjectNode user = hello.putObject("user");
            putIfPresent(user, "id", hints.userId());
            putIfPresent(user, "handle", hints.handle());
            putIfPresent(user, "display_name", hints.displayName());
            putIfPresent(user, "avatar_url", hints.avatarUrl());
        }
        if (identity.certificate() != null) {
            hello.set("certificate", identity.certificate().toJson());
        }
        return Frame.control(FrameType.HELLO, 0, nextSequence++, hello);
    }

    /** Steps 2–3: reads the server's Auth (or Error) and answers with the device's Auth. */
    public Frame onServerAuth(Frame frame) throws DeviceHandshakeException {
        refusedIfError(frame);
        if (frame.type() != FrameType.AUTH) {
            throw DeviceHandshakeException.protocol("expected Auth, got " + frame.type().wireName());
        }
        ControlPayload auth = frame.control();
        String handshakeHex = auth.text("handshake");
        session = auth.text("session");
        if (handshakeHex == null || session == null) {
            throw DeviceHandshakeException.protocol("Auth lacks handshake or session");
        }
        byte[] confirmation;
        try {
            byte[] payload = noise.readMessage(Hex.decode(handshakeHex));
            serverPayload = ControlJson.parseObject(payload, 0, payload.length);
            if (pattern == NoisePattern.XK) {
                confirmation = noise.writeMessage(new byte[0]);
                transport = noise.split();
            } else {
                transport = noise.split();
                confirmation = transport.encrypt(new byte[0]);
            }
        } catch (NoiseException | IllegalArgumentException | io.commucat.ccp.proto.CodecException e) {
            throw DeviceHandshakeException.protocol("server's Noise message 2 is invalid");
        }
        ObjectNode reply = ControlJson.object();
        reply.put("handshake", Hex.encode(confirmation));
        return Frame.control(FrameType.AUTH, frame.channelId(), nextSequence++, reply);
    }

    /** Step 4: the server's Ack; the session is established. */
    public EstablishedSession onAck(Frame frame) throws DeviceHandshakeException {
        refusedIfError(frame);
        if (frame.type() != FrameType.ACK || transport == null) {
            throw DeviceHandshakeException.protocol("expected Ack");
        }
        ObjectNode ack = frame.control().json();
        if (!"ok".equals(text(ack, "handshake"))) {
            throw DeviceHandshakeException.protocol("Ack does not confirm the handshake");
        }
        DeviceCertificate certificate = null;
        JsonNode cert = ack.get("device_certificate");
        if (cert != null && cert.isObject()) {
            try {
                certificate = DeviceCertificate.fromJson(cert);
            } catch (CertificateException e) {
                throw DeviceHandshakeException.protocol("Ack carries a malformed certificate");
            }
        }
        long keepalive = ack.path("keepalive_interval").asLong(30);
        return new EstablishedSession(session, text(ack, "user_id"), certificate, Duration.ofSeconds(keepalive),
                ack.path("pairing_required").asBoolean(false), ack, new SecureFrameStream(transport));
    }

    /** The payload the server put inside Noise message 2 (§3.2 step 10), once read. */
    public ObjectNode serverPayload() {
        return serverPayload == null ? null : serverPayload.deepCopy();
    }

    /** The sequence number the device's next frame on this connection gets. */
    public long nextSequence() {
        return nextSequence;
    }

    private static void refusedIfError(Frame frame) throws DeviceHandshakeException {
        if (frame.type() == FrameType.ERROR) {
            ControlPayload error = frame.control();
            boolean pairing = error.json().path("pairing_required").asBoolean(false);
            throw new DeviceHandshakeException(DeviceHandshakeException.Kind.REFUSED,
                    "server refused: " + error.text("error") + (error.text("detail") == null ? "" : " (" + error.text("detail") + ")"),
                    error.text("error"), error.text("detail"), pairing);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.isTextual() ? v.textValue() : null;
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }
}
