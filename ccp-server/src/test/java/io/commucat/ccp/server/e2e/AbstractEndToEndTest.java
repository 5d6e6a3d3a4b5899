package io.commucat.ccp.server.e2e;

import static io.commucat.ccp.server.e2e.ChannelFrames.answerTo;
import static io.commucat.ccp.server.e2e.ChannelFrames.assertAcked;
import static io.commucat.ccp.server.e2e.ChannelFrames.assertPresenceReaches;
import static io.commucat.ccp.server.e2e.ChannelFrames.join;
import static io.commucat.ccp.server.e2e.ChannelFrames.msg;
import static io.commucat.ccp.server.e2e.ChannelFrames.newChannel;
import static io.commucat.ccp.server.e2e.ChannelFrames.nextOfType;
import static io.commucat.ccp.server.e2e.ChannelFrames.openTogether;
import static io.commucat.ccp.server.e2e.ChannelFrames.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.commucat.ccp.client.handshake.DeviceHandshake;
import io.commucat.ccp.client.handshake.DeviceHandshakeException;
import io.commucat.ccp.client.handshake.EstablishedSession;
import io.commucat.ccp.client.handshake.UserHints;
import io.commucat.ccp.client.transport.H2Connection;
import io.commucat.ccp.client.transport.H2Response;
import io.commucat.ccp.client.transport.H2Transport;
import io.commucat.ccp.client.transport.StreamClosure;
import io.commucat.ccp.crypto.Hex;
import io.commucat.ccp.crypto.cert.DeviceCertificateAuthority;
import io.commucat.ccp.crypto.keys.DeviceCaKeyPair;
import io.commucat.ccp.crypto.noise.NoiseKeyPair;
import io.commucat.ccp.crypto.noise.NoisePattern;
import io.commucat.ccp.crypto.proof.HandshakeProver;
import io.commucat.ccp.crypto.proof.ProofContext;
import io.commucat.ccp.proto.ControlJson;
import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.proto.FrameCodec;
import io.commucat.ccp.proto.FrameType;
import io.commucat.ccp.proto.Varint;
import io.commucat.ccp.ledger.LedgerVerifier;
import io.commucat.ccp.ledger.VerificationResult;
import io.commucat.ccp.server.cli.CliContext;
import io.commucat.ccp.server.cli.Main;
import io.commucat.ccp.server.handshake.SessionTokens;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The end-to-end suite (issue #10 item 8): a real node ({@link
 * io.commucat.ccp.server.node.CcpNode#start}) on {@code 127.0.0.1:0} over real TLS 1.3 + HTTP/2,
 * driven by the SDK's transport ({@code io.commucat.ccp.client.transport}). Every test checks
 * the frames the device sees and the state the node stored. Extended once per storage backend,
 * as gRPC's AbstractTransportTest is per transport.
 *
 * <p>Nodes are shared per class and policy: tests use distinct device ids and handles, so they
 * do not interfere. The {@code main} node has the default policy; {@code strict} turns
 * auto-approval off (and uses the shortest keepalive, for the PING test); {@code open} admits
 * further devices of existing users up to a limit of two.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(30)
abstract class AbstractEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** zkp.json hardening vector: the identity point with a proof the bare equation accepts. */
    private static final String IDENTITY_POINT = "0100000000000000000000000000000000000000000000000000000000000000";
    private static final String IDENTITY_COMMITMENT = "7846f76f3b609b213d86471ccdf7849e34fcff8a569ddc89cff73085e6db3892";
    private static final String IDENTITY_RESPONSE = "3a4c5070636799f826ca013d8f294fcaccd2d9bcba3441b229df1e39c9746d0a";
    /** ConnectSession's bootstrap frame limit (64 KiB). */
    private static final int BOOTSTRAP_LIMIT = 64 * 1024;

    private E2eNodes nodes;
    private TestNode main;
    private TestNode strict;
    private TestNode open;

    /** The storage this class runs against; {@code runId} prefixes every device id it will use. */
    abstract Backend backend(String runId);

    @BeforeAll
    void startMainNode() throws Exception {
        nodes = E2eNodes.open("e2e", this::backend);
        main = nodes.start("main", Map.of());
    }

    @AfterAll
    void stopEverything() {
        if (nodes != null) {
            nodes.close();
        }
    }

    /**
     * Auto-approval off; keepalive 1 s, so the PING interval is the protocol's 5 s floor (§4.3); the
     * bootstrap deadlines past two PING intervals, as the PING test holds streams that never say Hello.
     */
    private synchronized TestNode strict() throws Exception {
        if (strict == null) {
            strict = nodes.start("strict", Map.of("CCP_SERVER_AUTO_APPROVE_DEVICES", "false",
                    "CCP_SERVER_KEEPALIVE", "1", "CCP_SECURITY_TIMEOUTS_HELLO_MS", "30000"));
        }
        return strict;
    }

    /** Further devices of existing users are admitted, at most two per user. */
    private synchronized TestNode open() throws Exception {
        if (open == null) {
            open = nodes.start("open", Map.of("CCP_SERVER_AUTO_APPROVE_EXISTING_USERS", "true",
                    "CCP_SERVER_MAX_AUTO_DEVICES_PER_USER", "2"));
        }
        return open;
    }

    private TestDevice newDevice() {
        return nodes.newDevice();
    }

    private String newHandle() {
        return nodes.newHandle();
    }

    // ---- bootstrap: success and stored state ----

    @Test
    void xkBootstrapRegistersTheDeviceAndRecordsSessionCertificateAndPresence() throws Exception {
        TestDevice device = newDevice();
        String handle = newHandle();
        DeviceRun run = device.connect(main, NoisePattern.XK, UserHints.handle(handle));
        EstablishedSession session = run.awaitEstablished();

        String userId = main.state.userIdByHandle(handle).orElseThrow(() -> new AssertionError("user not created"));
        assertEquals(userId, session.userId());
        String key = Hex.encode(device.identity.deviceKey().publicKey());
        assertEquals(new StoredState.DeviceRow(device.id, userId, key, "active"), main.state.device(device.id).orElseThrow());
        assertEquals(List.of("register " + key), main.state.keyEvents(device.id));
        assertEquals(List.of(new StoredState.CertificateRow(session.certificate().fields().serial(), key)),
                main.state.certificates(device.id));
        assertEquals(new StoredState.SessionRow(device.id, userId, main.config.server().nodeId()),
                main.state.session(SessionTokens.hash(session.session())).orElseThrow());
        assertEquals(Optional.of("online"), main.state.presenceState(device.id));
        assertEquals(Optional.of(main.config.server().nodeId()), main.state.route(device.id));
        assertEquals(main.config.keepaliveInterval().toSeconds(), session.keepaliveInterval().toSeconds());
        assertEquals(Hex.encode(main.noisePublic), session.ack().path("noise_public").asText());

        // The audit ledger: registration, certificate and success, with a session id but never the token.
        JsonNode register = LedgerLines.await(main, "device register", LedgerLines.event("device", "register", device.id));
        assertEquals(userId, register.path("user").asText());
        JsonNode certificate = LedgerLines.await(main, "certificate", LedgerLines.event("device", "certificate", device.id));
        assertEquals(session.certificate().fields().serialText(), certificate.path("serial").asText());
        assertEquals(Instant.ofEpochSecond(session.certificate().fields().expiresAt()).toString(),
                certificate.path("expires_at").asText());
        JsonNode success = LedgerLines.await(main, "handshake success", LedgerLines.event("handshake", "success", device.id));
        assertEquals(SessionTokens.sessionId(session.session()), success.path("session").asText());
        assertEquals(userId, success.path("user").asText());
        assertEquals("XK", success.path("pattern").asText());
        assertFalse(success.path("device_known").asBoolean());
        assertEquals("established", success.path("stage").asText());
        assertTrue(success.path("noise_key_version").asInt() >= 1);
        assertEquals(1, success.path("protocol_version").asInt());
        assertTrue(success.path("remote_addr").asText().startsWith("127.0.0.1:"), success::toString);
    }

    @Test
    void ikBootstrapEstablishesAndRecordsTheSession() throws Exception {
        TestDevice device = newDevice();
        String handle = newHandle();
        EstablishedSession session = device.connect(main, NoisePattern.IK, UserHints.handle(handle)).awaitEstablished();

        assertEquals(main.state.userIdByHandle(handle).orElseThrow(), session.userId());
        assertTrue(main.state.session(SessionTokens.hash(session.session())).isPresent());
        assertEquals(Optional.of("online"), main.state.presenceState(device.id));
    }

    @Test
    void closingTheStreamClearsPresenceAndRoute() throws Exception {
        TestDevice device = newDevice();
        DeviceRun run = device.connect(main, NoisePattern.XK, UserHints.handle(newHandle()));
        run.connection.endUpstream();
        assertTrue(run.awaitClosed().completed(), "the server ends the stream after the device's END_STREAM");
        E2eNodes.awaitTrue(() -> main.state.presenceState(device.id).isEmpty() && main.state.route(device.id).isEmpty(),
                "presence and route cleared");
        JsonNode end = LedgerLines.await(main, "session end", LedgerLines.event("session", "end", device.id));
        assertEquals("client-closed", end.path("reason").asText());
        assertEquals(SessionTokens.sessionId(run.awaitEstablished().session()), end.path("session").asText());
    }

    @Test
    void sessionsDroppedTogetherAllHaveTheirPresenceClearedAndLastSeenSet() throws Exception {
        // Every stream rides one connection, as behind a load balancer: closing it ends them all at once.
        H2Connection balancer = main.newConnection();
        List<TestDevice> devices = new java.util.ArrayList<>();
        List<DeviceRun> runs = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            TestDevice device = newDevice();
            devices.add(device);
            runs.add(device.start(main, balancer, NoisePattern.XK, UserHints.handle(newHandle())));
        }
        for (DeviceRun run : runs) {
            run.awaitEstablished();
        }
        for (TestDevice device : devices) {
            assertEquals(Optional.of("online"), main.state.presenceState(device.id));
        }
        Instant dropped = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS);

        balancer.close();

        for (TestDevice device : devices) {
            E2eNodes.awaitTrue(() -> main.state.presenceState(device.id).isEmpty()
                    && main.state.route(device.id).isEmpty()
                    && main.state.lastSeen(device.id).map(seen -> !seen.isBefore(dropped)).orElse(false),
                    device.id + ": presence and route cleared, last_seen at the drop");
        }
    }

    // ---- device resolution (§3.2 step 6) ----

    @Test
    void aKnownDevicePresentingAnotherKeyIsRefusedAndKeepsItsKey() throws Exception {
        TestDevice device = newDevice();
        device.connect(main, NoisePattern.XK, UserHints.handle(newHandle()));
        String storedKey = main.state.device(device.id).orElseThrow().publicKey();

        TestDevice impostor = new TestDevice(device.id);
        DeviceHandshakeException refusal = impostor.start(main, NoisePattern.XK, UserHints.NONE).awaitRefusal();

        assertEquals("handshake", refusal.serverError());
        assertEquals("device key mismatch", refusal.serverDetail());
        assertEquals(storedKey, main.state.device(device.id).orElseThrow().publicKey());
        assertEquals(List.of("register " + storedKey), main.state.keyEvents(device.id));
        assertEquals(1, main.state.sessionCount(device.id));

        JsonNode failure = LedgerLines.await(main, "key mismatch", LedgerLines.event("handshake", "failure", device.id));
        assertEquals("device key mismatch", failure.path("detail").asText());
        assertEquals("handshake", failure.path("reason").asText());
        assertEquals("hello", failure.path("stage").asText());
        assertTrue(failure.path("device_known").asBoolean(), "a known device refused, not a stranger");
        assertEquals(main.state.device(device.id).orElseThrow().userId(), failure.path("user").asText());
        assertTrue(failure.path("session").isNull());
    }

    @Test
    void aSecondDeviceForAnExistingHandleNeedsPairing() throws Exception {
        String handle = newHandle();
        newDevice().connect(main, NoisePattern.XK, UserHints.handle(handle));
        TestDevice second = newDevice();
        DeviceRun run = second.start(main, NoisePattern.XK, UserHints.handle(handle));

        DeviceHandshakeException refusal = run.awaitRefusal();
        assertTrue(refusal.pairingRequired());
        assertPairingRequiredError(run.lastBootstrapFrame());
        assertTrue(main.state.device(second.id).isEmpty());
        assertEquals(1, main.state.activeDevices(main.state.userIdByHandle(handle).orElseThrow()));
    }

    @Test
    void anUnknownDeviceNeedsPairingWhenAutoApprovalIsOff() throws Exception {
        TestNode node = strict();
        TestDevice device = newDevice();
        DeviceRun run = device.start(node, NoisePattern.XK, UserHints.handle(newHandle()));

        assertTrue(run.awaitRefusal().pairingRequired());
        assertPairingRequiredError(run.lastBootstrapFrame());
        assertTrue(node.state.device(device.id).isEmpty());
        assertEquals(0, node.state.sessionCount(device.id));
    }

    @Test
    void theDeviceLimitTurnsRegistrationIntoPairing() throws Exception {
        TestNode node = open();
        String handle = newHandle();
        newDevice().connect(node, NoisePattern.XK, UserHints.handle(handle));
        newDevice().connect(node, NoisePattern.XK, UserHints.handle(handle));
        TestDevice third = newDevice();
        DeviceRun run = third.start(node, NoisePattern.XK, UserHints.handle(handle));

        assertTrue(run.awaitRefusal().pairingRequired());
        assertPairingRequiredError(run.lastBootstrapFrame());
        assertTrue(node.state.device(third.id).isEmpty());
        assertEquals(2, node.state.activeDevices(node.state.userIdByHandle(handle).orElseThrow()));
    }

    private static void assertPairingRequiredError(Frame error) {
        assertEquals(FrameType.ERROR, error.type());
        assertEquals(0, error.channelId());
        ObjectNode body = error.control().json();
        assertEquals("handshake", body.path("error").asText());
        assertEquals("PairingRequired", body.path("title").asText());
        assertTrue(body.path("pairing_required").asBoolean(false));
    }

    // ---- certificates (§3.2 step 7) ----

    @Test
    void aValidCertificateIsKept() throws Exception {
        TestDevice device = newDevice();
        DeviceRun first = device.connect(main, NoisePattern.XK, UserHints.handle(newHandle()));
        long serial = first.awaitEstablished().certificate().fields().serial();
        first.connection.endUpstream();
        first.awaitClosed();

        EstablishedSession again = device.connect(main, NoisePattern.XK, UserHints.NONE).awaitEstablished();
        assertEquals(serial, again.certificate().fields().serial());
        assertEquals(1, main.state.certificates(device.id).size(), "no certificate issued for a valid one");
    }

    @Test
    void anExpiredCertificateIsRefused() throws Exception {
        TestDevice device = newDevice();
        String userId = device.connect(main, NoisePattern.XK, UserHints.handle(newHandle())).awaitEstablished().userId();
        long issued = Instant.now().minus(Duration.ofDays(40)).getEpochSecond();
        device.identity = device.identity.withCertificate(new DeviceCertificateAuthority(main.deviceCaKey())
                .issue(99, userId, device.id, device.identity.deviceKey().publicKey(), issued, Duration.ofDays(30)));

        DeviceHandshakeException refusal = device.start(main, NoisePattern.XK, UserHints.NONE).awaitRefusal();
        assertEquals("certificate rejected: expired", refusal.serverDetail());
        assertEquals(1, main.state.sessionCount(device.id));
    }

    @Test
    void aCertificateOfAForeignCaIsRefused() throws Exception {
        TestDevice device = newDevice();
        String userId = device.connect(main, NoisePattern.XK, UserHints.handle(newHandle())).awaitEstablished().userId();
        DeviceCertificateAuthority foreign = new DeviceCertificateAuthority(DeviceCaKeyPair.generate(TestDevice.RANDOM));
        device.identity = device.identity.withCertificate(foreign.issue(5, userId, device.id,
                device.identity.deviceKey().publicKey(), Instant.now().getEpochSecond()));

        DeviceHandshakeException refusal = device.start(main, NoisePattern.XK, UserHints.NONE).awaitRefusal();
        assertEquals("certificate rejected: untrusted_issuer", refusal.serverDetail());
    }

    @Test
    void aLegacyCertificateForTheNoiseStaticIsReplacedByAFreshOne() throws Exception {
        TestDevice device = newDevice();
        String userId = device.connect(main, NoisePattern.XK, UserHints.handle(newHandle())).awaitEstablished().userId();
        device.identity = device.identity.withCertificate(new DeviceCertificateAuthority(main.deviceCaKey())
                .issue(7, userId, device.id, device.identity.noiseKey().publicKey(), Instant.now().getEpochSecond()));

        EstablishedSession again = device.connect(main, NoisePattern.XK, UserHints.NONE).awaitEstablished();
        String deviceKey = Hex.encode(device.identity.deviceKey().publicKey());
        assertEquals(deviceKey, Hex.encode(again.certificate().fields().publicKey()));
        assertNotEquals(7, again.certificate().fields().serial());
        List<StoredState.CertificateRow> certificates = main.state.certificates(device.id);
        assertEquals(2, certificates.size());
        assertEquals(new StoredState.CertificateRow(again.certificate().fields().serial(), deviceKey),
                certificates.get(1));
    }

    // ---- proof, Noise and binding ----

    @Test
    void aBadProofIsRefused() throws Exception {
        TestDevice device = newDevice();
        ObjectNode hello = device.handshake(main, NoisePattern.XK, UserHints.handle(newHandle())).hello().control().json();
        byte[] response = Hex.decode(hello.path("zkp").path("response").asText());
        response[0] ^= 1;
        ((ObjectNode) hello.get("zkp")).put("response", Hex.encode(response));

        assertEquals("invalid device proof", refusalDetail(hello));
        assertTrue(main.state.device(device.id).isEmpty());
    }

    @Test
    void aSmallOrderDeviceKeyIsRefusedByTheHardening() throws Exception {
        TestDevice device = newDevice();
        ObjectNode hello = device.handshake(main, NoisePattern.XK, UserHints.handle(newHandle())).hello().control().json();
        hello.put("device_public", IDENTITY_POINT);
        ObjectNode zkp = hello.putObject("zkp");
        zkp.put("commitment", IDENTITY_COMMITMENT);
        zkp.put("response", IDENTITY_RESPONSE);

        assertEquals("invalid device proof", refusalDetail(hello));
        assertTrue(main.state.device(device.id).isEmpty());
    }

    @Test
    void aHelloForAnotherNoiseServerKeyIsRefused() throws Exception {
        TestDevice device = newDevice();
        DeviceHandshake handshake = device.handshake(main, NoisePattern.XK, UserHints.handle(newHandle()),
                NoiseKeyPair.generate(TestDevice.RANDOM).publicKey());

        DeviceHandshakeException refusal = DeviceRun.start(main.connection, handshake).awaitRefusal();
        assertEquals("invalid noise handshake", refusal.serverDetail());
        assertTrue(main.state.device(device.id).isEmpty());
    }

    @Test
    void aClientStaticThatIsNotTheNoiseStaticIsRefused() throws Exception {
        TestDevice device = newDevice();
        DeviceHandshake handshake = device.handshake(main, NoisePattern.XK, UserHints.handle(newHandle()));
        ObjectNode hello = handshake.hello().control().json();
        byte[] claimed = NoiseKeyPair.generate(TestDevice.RANDOM).publicKey();
        hello.put("client_static", Hex.encode(claimed));
        hello.set("zkp", new HandshakeProver(TestDevice.RANDOM).prove(device.identity.deviceKey(),
                new ProofContext(main.domain(), device.id, device.identity.deviceKey().publicKey(), claimed)).toJson());

        RawStream raw = RawStream.open(main.connection);
        raw.send(FrameCodec.encode(Frame.control(FrameType.HELLO, 0, 1, hello)));
        Frame auth = raw.nextFrame();
        assertEquals(FrameType.AUTH, auth.type());
        raw.send(FrameCodec.encode(handshake.onServerAuth(auth)));
        Frame error = raw.nextFrame();

        assertEquals("client_static does not match the noise static key", error.control().text("detail"));
        assertTrue(raw.awaitClosed().completed());
        assertTrue(main.state.session(SessionTokens.hash(auth.control().text("session"))).isEmpty());
        assertEquals(0, main.state.sessionCount(device.id));
    }

    @Test
    void aHelloReplayedOnANewStreamGetsAuthButNeverEstablishes() throws Exception {
        TestDevice device = newDevice();
        byte[] hello = FrameCodec.encode(device.handshake(main, NoisePattern.XK, UserHints.handle(newHandle())).hello());
        RawStream original = RawStream.open(main.connection);
        original.send(hello);
        assertEquals(FrameType.AUTH, original.nextFrame().type());

        RawStream replay = RawStream.open(main.newConnection());
        replay.send(hello);
        Frame auth = replay.nextFrame();
        assertEquals(FrameType.AUTH, auth.type());
        // Without the device's Noise static key the attacker cannot make Noise message 3.
        ObjectNode forged = ControlJson.object().put("handshake", Hex.encode(new byte[64]));
        replay.send(FrameCodec.encode(Frame.control(FrameType.AUTH, 0, 2, forged)));

        assertEquals("invalid noise handshake", replay.nextFrame().control().text("detail"));
        assertTrue(replay.awaitClosed().completed());
        assertTrue(main.state.session(SessionTokens.hash(auth.control().text("session"))).isEmpty());
        assertEquals(0, main.state.sessionCount(device.id));
        assertTrue(main.state.presenceState(device.id).isEmpty());
    }

    // ---- codec failures and endings ----

    @Test
    void garbageIsADecodeErrorAndEndsTheStream() throws Exception {
        RawStream raw = RawStream.open(main.connection);
        raw.send(new byte[] {4, 0x7f, 0, 0, 0});
        Frame error = raw.nextFrame();

        assertEquals(FrameType.ERROR, error.type());
        assertEquals("decode", error.control().text("error"));
        assertTrue(raw.awaitClosed().completed());
        LedgerLines.await(main, "decode failure", r -> "handshake".equals(r.path("scope").asText())
                && "failure".equals(r.path("result").asText()) && "decode".equals(r.path("reason").asText())
                && "hello".equals(r.path("stage").asText()) && r.path("device").isNull());
    }

    @Test
    void aBootstrapFrameOverTheLimitIsADecodeError() throws Exception {
        RawStream raw = RawStream.open(main.connection);
        raw.send(Varint.encode(BOOTSTRAP_LIMIT + 1L));

        assertEquals("decode", raw.nextFrame().control().text("error"));
        assertTrue(raw.awaitClosed().completed());
    }

    @Test
    void aClientThatResetsMidHandshakeLeavesNoSession() throws Exception {
        TestDevice device = newDevice();
        DeviceHandshake handshake = device.handshake(main, NoisePattern.XK, UserHints.handle(newHandle()));
        RawStream raw = RawStream.open(main.connection);
        raw.send(FrameCodec.encode(handshake.hello()));
        Frame auth = raw.nextFrame();
        raw.stream.cancel();

        assertEquals(StreamClosure.Kind.CANCELLED, raw.awaitClosed().kind());
        assertTrue(main.connection.isActive(), "a reset stream leaves its connection open");
        assertTrue(main.state.session(SessionTokens.hash(auth.control().text("session"))).isEmpty());
        assertEquals(0, main.state.sessionCount(device.id));
        assertTrue(main.state.presenceState(device.id).isEmpty());
    }

    @Test
    void aBootstrapSentInOneByteDataFramesEstablishes() throws Exception {
        TestDevice device = newDevice();
        DeviceHandshake handshake = device.handshake(main, NoisePattern.XK, UserHints.handle(newHandle()));
        RawStream raw = RawStream.open(main.connection);
        sendByteByByte(raw, FrameCodec.encode(handshake.hello()));
        sendByteByByte(raw, FrameCodec.encode(handshake.onServerAuth(raw.nextFrame())));
        EstablishedSession session = handshake.onAck(raw.nextFrame());

        assertTrue(main.state.session(SessionTokens.hash(session.session())).isPresent());
        assertEquals(Optional.of("online"), main.state.presenceState(device.id));
    }

    private static void sendByteByByte(RawStream raw, byte[] bytes) throws Exception {
        CompletableFuture<Void> last = null;
        for (byte b : bytes) {
            last = raw.stream.write(new byte[] {b});
        }
        last.get(DeviceRun.WAIT_SECONDS, TimeUnit.SECONDS);
    }

    // ---- established session (§4) ----

    @Test
    void aFrameLargerThanOneNoiseMessageIsReassembledAndAnswered() throws Exception {
        DeviceRun run = newDevice().connect(main, NoisePattern.XK, UserHints.handle(newHandle()));
        long sequence = run.connection.nextSequence();
        run.connection.send(Frame.opaque(FrameType.MSG, 9, sequence, new byte[100_000]))
                .get(DeviceRun.WAIT_SECONDS, TimeUnit.SECONDS);
        Frame error = run.nextFrame();

        assertEquals(FrameType.ERROR, error.type());
        assertEquals(9, error.channelId());
        assertEquals("unknown_channel", error.control().text("error"));
        assertEquals(sequence, error.control().json().path("ack").asLong());
    }

    @Test
    void presenceFramesRepublishTheStoredPresence() throws Exception {
        TestDevice device = newDevice();
        DeviceRun run = device.connect(main, NoisePattern.XK, UserHints.handle(newHandle()));
        run.connection.send(Frame.control(FrameType.PRESENCE, 0, run.connection.nextSequence(),
                ControlJson.object().put("state", "away")));

        E2eNodes.awaitTrue(() -> main.state.presenceState(device.id).equals(Optional.of("away")), "presence away");
        assertTrue(run.frames.isEmpty(), "Presence gets no Ack");
    }

    @Test
    void aSecondSessionOfTheDeviceReplacesTheFirst() throws Exception {
        TestDevice device = newDevice();
        DeviceRun first = device.connect(main, NoisePattern.XK, UserHints.handle(newHandle()));
        DeviceRun second = device.connect(main, NoisePattern.XK, UserHints.NONE);

        Frame notice = first.nextFrame();
        assertEquals(FrameType.ERROR, notice.type());
        assertEquals("session_replaced", notice.control().text("error"));
        assertTrue(first.awaitClosed().completed(), "the old stream ends after the notice");
        assertEquals(2, main.state.sessionCount(device.id));
        String firstId = SessionTokens.sessionId(first.awaitEstablished().session());
        String secondId = SessionTokens.sessionId(second.awaitEstablished().session());
        JsonNode replace = LedgerLines.await(main, "session replace", LedgerLines.event("session", "replace", device.id));
        assertEquals(secondId, replace.path("session").asText());
        assertEquals(firstId, replace.path("previous_session").asText());
        JsonNode end = LedgerLines.await(main, "session end", LedgerLines.event("session", "end", device.id));
        assertEquals(firstId, end.path("session").asText());
        assertEquals("replaced", end.path("reason").asText());
        // The new session still works.
        second.connection.send(Frame.control(FrameType.PRESENCE, 0, second.connection.nextSequence(),
                ControlJson.object().put("state", "busy")));
        E2eNodes.awaitTrue(() -> main.state.presenceState(device.id).equals(Optional.of("busy")), "presence busy");
        assertFalse(second.closed.isDone());
    }

    @Test
    void theReplacedSessionLeavesTheNewSessionsPresence() throws Exception {
        TestDevice device = newDevice();
        DeviceRun first = device.connect(main, NoisePattern.XK, UserHints.handle(newHandle()));
        device.connect(main, NoisePattern.XK, UserHints.NONE);
        first.awaitClosed();
        Thread.sleep(300); // the old session's clean-up runs on the storage executor

        assertEquals(Optional.of("online"), main.state.presenceState(device.id), "presence of the live session");
        assertEquals(Optional.of(main.config.server().nodeId()), main.state.route(device.id), "route of the live session");
    }

    // ---- channels and relay (§4.2–4.4) ----


    @Test
    void aMsgReachesAConnectedMemberAndLeavesTheInboxWhenAcknowledged() throws Exception {
        TestDevice alice = newDevice();
        TestDevice bob = newDevice();
        DeviceRun a = alice.connect(main, NoisePattern.XK, UserHints.handle(newHandle()));
        DeviceRun b = bob.connect(main, NoisePattern.XK, UserHints.handle(newHandle()));
        long channel = openTogether(a, b, bob.id);
        assertEquals(List.of(alice.id + " true", bob.id + " true").stream().sorted().toList(),
                main.state.channelMembers(channel));

        assertAcked(a, msg(a, channel, "hello bob"));

        Frame delivered = nextOfType(b, FrameType.MSG);
        assertEquals("hello bob", new String(delivered.opaque().toByteArray(), StandardCharsets.UTF_8));
        assertEquals(channel, delivered.channelId());
        assertEquals(List.of("hello bob"), main.state.queuedTexts(bob.id), "kept until bob acknowledges");
        send(b, seq -> Frame.control(FrameType.ACK, channel, seq, ControlJson.object().put("ack", delivered.sequence())));
        E2eNodes.awaitTrue(() -> main.state.queuedTexts(bob.id).isEmpty(), "envelope deleted after the device's Ack");
    }

    @Test
    void aMsgForAnOfflineMemberIsQueuedAndDeliveredOnItsNextConnection() throws Exception {
        TestDevice alice = newDevice();
        TestDevice bob = newDevice();
        DeviceRun a = alice.connect(main, NoisePattern.XK, UserHints.handle(newHandle()));
        DeviceRun b = bob.connect(main, NoisePattern.XK, UserHints.handle(newHandle()));
        long channel = openTogether(a, b, bob.id);
        b.connection.endUpstream();
        b.awaitClosed();
        E2eNodes.awaitTrue(() -> main.state.route(bob.id).isEmpty(), "bob offline");

        assertAcked(a, msg(a, channel, "while you were away"));
        assertEquals(List.of("while you were away"), main.state.queuedTexts(bob.id));

        DeviceRun again = bob.connect(main, NoisePattern.XK, UserHints.NONE);
        Frame delivered = nextOfType(again, FrameType.MSG);
        assertEquals("while you were away", new String(delivered.opaque().toByteArray(), StandardCharsets.UTF_8));
    }

    @Test
    void aFrameFromANonMemberIsRefusedAndTheSessionGoesOn() throws Exception {
        TestDevice alice = newDevice();
        DeviceRun a = alice.connect(main, NoisePattern.XK, UserHints.handle(newHandle()));
        DeviceRun mallory = newDevice().connect(main, NoisePattern.XK, UserHints.handle(newHandle()));
        long channel = newChannel();
        assertAcked(a, join(a, channel));

        Frame refusal = answerTo(mallory, msg(mallory, channel, "spam"));

        assertEquals(FrameType.ERROR, refusal.type());
        assertEquals("not_member", refusal.control().text("error"));
        assertAcked(mallory, join(mallory, newChannel()));
        assertEquals(List.of(alice.id + " true"), main.state.channelMembers(channel));
    }

    @Test
    void presenceReachesTheChannelPeers() throws Exception {
        TestDevice alice = newDevice();
        TestDevice bob = newDevice();
        DeviceRun a = alice.connect(main, NoisePattern.XK, UserHints.handle(newHandle()));
        DeviceRun b = bob.connect(main, NoisePattern.XK, UserHints.handle(newHandle()));
        openTogether(a, b, bob.id);

        assertPresenceReaches(a, alice.id, b, "busy");
    }

    // ---- liveness (§4.3) ----

    @Test
    @Timeout(20)
    void aPeerThatStopsAnsweringPingsIsClosedAndOneThatAnswersIsKept() throws Exception {
        TestNode node = strict();
        try (H2Transport silent = node.transportBuilder().eventLoopGroup(nodes.clientLoops).autoAckPings(false).build()) {
            H2Connection deaf = silent.connect().get(10, TimeUnit.SECONDS);
            H2Connection alive = node.newConnection();
            RawStream deafStream = RawStream.open(deaf);
            RawStream aliveStream = RawStream.open(alive);
            long started = System.nanoTime();

            deaf.closeFuture().get(12, TimeUnit.SECONDS);
            long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

            long interval = node.config.keepaliveInterval().toMillis();
            assertTrue(elapsed >= interval, "closed after " + elapsed + " ms, before the first PING was due");
            assertTrue(deaf.pingsReceived() >= 1, "the server pinged");
            assertEquals(StreamClosure.Kind.CONNECTION_LOST, deafStream.awaitClosed().kind());
            assertTrue(alive.isActive(), "a peer that answers PINGs is kept");
            assertTrue(alive.pingsReceived() >= 1);
            assertFalse(aliveStream.closed.isDone());
            alive.close();
        }
    }

    // ---- REST over h2, threads ----

    @Test
    void healthzAndServerInfoAnswerOverHttp2() throws Exception {
        H2Response health = main.connection.get("/healthz").get(10, TimeUnit.SECONDS);
        assertEquals(200, health.status());
        assertEquals("no-store", health.header("cache-control"));

        H2Response info = main.connection.get("/api/server-info").get(10, TimeUnit.SECONDS);
        assertEquals(200, info.status());
        assertEquals("no-store", info.header("cache-control"));
        JsonNode json = JSON.readTree(info.body());
        assertEquals(main.domain(), json.path("domain").asText());
        assertEquals(Hex.encode(main.caPublic), json.path("device_ca_public").asText());
        assertEquals(64, json.path("noise_public").asText().length());
        assertEquals(main.config.keepaliveInterval().toSeconds(), json.path("session").path("keepalive_interval").asLong());
    }

    @Test
    void storageRunsOnStorageThreadsAndDeviceCallbacksOnTheClientLoop() throws Exception {
        DeviceRun run = newDevice().connect(main, NoisePattern.XK, UserHints.handle(newHandle()));
        run.connection.send(Frame.opaque(FrameType.MSG, 3, run.connection.nextSequence(), new byte[] {1}));
        run.nextFrame();

        Set<String> threads = Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .collect(Collectors.toSet());
        assertTrue(threads.stream().anyMatch(n -> n.startsWith("ccp-storage-")), "storage executor threads: " + threads);
        assertTrue(threads.stream().anyMatch(n -> n.startsWith("ccp-loop-")), "event loop threads: " + threads);
        assertTrue(run.callbackThreads.stream().allMatch(n -> n.startsWith("e2e-client-loop")), run.callbackThreads::toString);
    }

    // ---- the audit ledger of the whole suite (runs last: it stops the nodes) ----

    @Test
    @Order(Integer.MAX_VALUE)
    void theLedgersHoldTheServerEventsNoSecretAndVerify() throws Exception {
        List<String> secrets = new java.util.ArrayList<>();
        List<TestNode> started = Stream.of(main, strict, open).filter(java.util.Objects::nonNull).toList();
        for (TestNode node : started) {
            secrets.add(Hex.encode(node.data.noiseStaticSeed().bytes()));
            secrets.add(Hex.encode(node.data.deviceCaSeed().bytes()));
            secrets.add(Hex.encode(DeviceCaKeyPair.fromSeed(node.data.deviceCaSeed().bytes()).secretKey()));
            // A line of the TLS private key's base64 body is enough to find it.
            Files.readAllLines(node.data.tls().privateKey()).stream().filter(l -> !l.startsWith("-----"))
                    .findFirst().ifPresent(secrets::add);
        }
        Optional.ofNullable(nodes.backend.environment().get("CCP_CRYPTO_SECRETS_KEY")).ifPresent(secrets::add);
        TestDevice.ALL.forEach(device -> device.secrets().forEach(key -> secrets.add(Hex.encode(key))));
        secrets.addAll(DeviceRun.TOKENS);
        assertTrue(secrets.size() > 3 * started.size() + 20, "the suite's secrets were collected: " + secrets.size());
        // Stop the nodes: their sessions end, then "stop" is written and the ledgers are closed.
        open = null;
        strict = null;
        main = null;
        started.forEach(TestNode::close);

        for (TestNode node : started) {
            List<Path> files = LedgerLines.files(node.config.ledger());
            VerificationResult result = new LedgerVerifier().verify(files);
            assertTrue(result.ok(), result::toString);
            List<JsonNode> records = LedgerLines.records(node.config.ledger());
            JsonNode start = records.stream().filter(r -> "server".equals(r.path("scope").asText())
                    && "start".equals(r.path("action").asText())).findFirst().orElseThrow();
            JsonNode stop = records.get(records.size() - 1);
            assertEquals("server", stop.path("scope").asText());
            assertEquals("stop", stop.path("action").asText());
            assertEquals(node.config.server().nodeId(), stop.path("node_id").asText());
            assertEquals(64, start.path("config_sha256").asText().length());
            assertEquals(start.path("config_sha256"), stop.path("config_sha256"));
            for (Path file : files) {
                String text = Files.readString(file).toLowerCase(java.util.Locale.ROOT);
                for (String secret : secrets) {
                    assertFalse(text.contains(secret.toLowerCase(java.util.Locale.ROOT)),
                            file + " holds a secret of the suite");
                }
                assertFalse(text.contains("token") || text.contains("secret") || text.contains("private"),
                        file + " names a secret-looking field");
            }
        }

        List<Path> mainFiles = LedgerLines.files(started.get(0).config.ledger());
        java.io.StringWriter out = new java.io.StringWriter();
        assertEquals(0, verifyCommand(mainFiles, out), out::toString);
        assertTrue(out.toString().startsWith("OK "), out::toString);

        Path copy = Files.createDirectories(nodes.directory("flipped")).resolve(mainFiles.get(0).getFileName());
        byte[] bytes = Files.readAllBytes(mainFiles.get(0));
        int lineStart = indexOf(bytes, (byte) '\n', 0) + 1;
        int lineEnd = indexOf(bytes, (byte) '\n', lineStart);
        bytes[(lineStart + lineEnd) / 2] ^= 0x01;
        Files.write(copy, bytes);
        java.io.StringWriter err = new java.io.StringWriter();
        assertEquals(65, verifyCommand(List.of(copy), err), err::toString);
        assertTrue(err.toString().contains(copy + ":2: "), err::toString);
    }

    /** {@code ccp ledger verify FILE...}; what it prints goes to {@code into}. */
    private static int verifyCommand(List<Path> files, java.io.StringWriter into) {
        java.io.PrintWriter print = new java.io.PrintWriter(into, true);
        String[] args = Stream.concat(Stream.of("ledger", "verify"), files.stream().map(Path::toString))
                .toArray(String[]::new);
        int status = Main.run(args, new CliContext(Map.of(), print, print, (config, data) -> {
            throw new IllegalStateException("not a serve command");
        }));
        print.flush();
        return status;
    }

    private static int indexOf(byte[] bytes, byte b, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        throw new AssertionError("the ledger has fewer lines than expected");
    }

    // ---- helpers ----

    /** Sends a hand-made Hello on a new stream and returns the detail of the Error it gets. */
    private String refusalDetail(ObjectNode hello) throws Exception {
        RawStream raw = RawStream.open(main.connection);
        raw.send(FrameCodec.encode(Frame.control(FrameType.HELLO, 0, 1, hello)));
        Frame error = raw.nextFrame();
        assertEquals(FrameType.ERROR, error.type());
        assertTrue(raw.awaitClosed().completed());
        return error.control().text("detail");
    }

}
