package io.commucat.ccp.server.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.commucat.ccp.client.handshake.DeviceHandshake;
import io.commucat.ccp.client.handshake.DeviceHandshakeException;
import io.commucat.ccp.client.handshake.EstablishedSession;
import io.commucat.ccp.client.handshake.UserHints;
import io.commucat.ccp.crypto.Hex;
import io.commucat.ccp.crypto.cert.DeviceCertificateAuthority;
import io.commucat.ccp.crypto.keys.DeviceCaKeyPair;
import io.commucat.ccp.crypto.noise.NoiseKeyPair;
import io.commucat.ccp.crypto.noise.NoisePattern;
import io.commucat.ccp.crypto.noise.NoiseTransport;
import io.commucat.ccp.crypto.noise.SecureFrameStream;
import io.commucat.ccp.crypto.proof.HandshakeProver;
import io.commucat.ccp.crypto.proof.ProofContext;
import io.commucat.ccp.proto.ControlJson;
import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.proto.FrameCodec;
import io.commucat.ccp.proto.FrameType;
import io.commucat.ccp.proto.Varint;
import io.commucat.ccp.server.handshake.SessionTokens;
import io.commucat.ccp.server.storage.Device;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The transport-neutral session against ccp-1.md §3 and §4.1–4.3, without a socket: bytes in,
 * bytes out, storage on the embedded store.
 */
class ConnectSessionTest {

    @TempDir
    Path dir;

    private ConnectFixture fixture;

    private ConnectFixture fixture(ConnectFixture.PolicyChange change) throws Exception {
        fixture = new ConnectFixture(dir, change);
        return fixture;
    }

    private ConnectFixture fixture() throws Exception {
        return fixture(ConnectFixture.PolicyChange.NONE);
    }

    @AfterEach
    void close() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    private static Frame control(FrameType type, long channel, long seq, ObjectNode json) {
        return Frame.control(type, channel, seq, json);
    }

    private String refusalDetail(TestDevice device, ConnectFixture.Stream stream) throws Exception {
        DeviceHandshakeException e = assertThrows(DeviceHandshakeException.class, () -> device.bootstrap(stream));
        assertEquals(DeviceHandshakeException.Kind.REFUSED, e.kind());
        assertEquals("handshake", e.serverError());
        stream.awaitWrites(Integer.MAX_VALUE);
        assertTrue(stream.down.isClosed(), "a failed bootstrap ends the stream");
        return e.serverDetail();
    }

    // ---- successful bootstraps ----

    @Test
    void xkBootstrapEstablishesAndRecordsTheSession() throws Exception {
        ConnectFixture f = fixture();
        TestDevice device = new TestDevice(f, "phone-1").start(NoisePattern.XK, UserHints.handle("alice"));
        ConnectFixture.Stream stream = f.open();
        EstablishedSession s = device.bootstrap(stream);

        assertEquals(ConnectSession.State.ESTABLISHED, stream.state());
        Device stored = f.directory.findDevice("phone-1").orElseThrow();
        assertEquals(Hex.encode(device.identity.deviceKey().publicKey()), stored.publicKey());
        assertEquals(s.userId(), stored.userId());
        assertTrue(f.sessions.find(SessionTokens.hash(s.session()), Instant.now()).isPresent());
        assertEquals("online", f.presence.find("phone-1").orElseThrow().state());
        assertEquals(ConnectFixture.NODE, f.presence.route("phone-1").orElseThrow());
        assertEquals(1, f.established.size());
    }

    @Test
    void ikBootstrapEstablishesWithTheKeyConfirmation() throws Exception {
        ConnectFixture f = fixture();
        TestDevice device = new TestDevice(f, "phone-ik").start(NoisePattern.IK, UserHints.handle("bob"));
        ConnectFixture.Stream stream = f.open();
        device.bootstrap(stream);
        assertEquals(ConnectSession.State.ESTABLISHED, stream.state());
        assertEquals("IK", f.established.get(0).pattern());
    }

    @Test
    void ackCarriesEveryKeyOfSection34() throws Exception {
        ConnectFixture f = fixture();
        TestDevice device = new TestDevice(f, "phone-1").start(NoisePattern.XK, UserHints.handle("alice"));
        ObjectNode ack = device.bootstrap(f.open()).ack();
        for (String key : List.of("handshake", "session", "user_id", "user", "pairing_required", "device_ca_public",
                "noise_public", "keepalive_interval", "noise_key_version", "noise_rotates_at", "noise_expires_at",
                "noise_keys", "certificate", "device_certificate")) {
            assertTrue(ack.has(key), "Ack has " + key);
        }
        assertEquals(Hex.encode(f.caKey.publicKey()), ack.get("device_ca_public").asText());
        assertEquals(Hex.encode(f.serverNoisePublic()), ack.get("noise_public").asText());
        assertEquals(30, ack.get("keepalive_interval").asInt());
        assertEquals(1, ack.get("noise_keys").size());
        assertEquals("alice", ack.get("user").get("handle").asText());
    }

    @Test
    void serverAuthAndTheNoisePayloadNameTheSession() throws Exception {
        ConnectFixture f = fixture();
        TestDevice device = new TestDevice(f, "phone-1").start(NoisePattern.XK, UserHints.handle("alice"));
        ConnectFixture.Stream stream = f.open();
        stream.send(device.hello());
        Frame auth = device.nextPlain(stream);
        assertEquals(FrameType.AUTH, auth.type());
        assertEquals(1, auth.sequence(), "the server numbers its frames from 1");
        for (String key : List.of("session", "device_id", "handshake", "server_static", "protocol_version",
                "supported_versions")) {
            assertTrue(auth.control().has(key), "Auth has " + key);
        }
        device.handshake.onServerAuth(auth);
        ObjectNode inside = device.handshake.serverPayload();
        assertEquals(auth.control().text("session"), inside.get("session").asText());
        assertEquals(ConnectFixture.DOMAIN, inside.get("domain").asText());
        assertEquals(1, inside.get("protocol_version").asInt());
    }

    @Test
    void theAckIsTheServersSecondFrame() throws Exception {
        ConnectFixture f = fixture();
        TestDevice device = new TestDevice(f, "phone-1").start(NoisePattern.XK, UserHints.handle("alice"));
        ConnectFixture.Stream stream = f.open();
        stream.send(device.hello());
        Frame auth = device.nextPlain(stream);
        stream.send(FrameCodec.encode(device.handshake.onServerAuth(auth)));
        Frame ack = device.nextPlain(stream);
        assertEquals(FrameType.ACK, ack.type());
        assertEquals(2, ack.sequence());
    }

    @Test
    void aBootstrapDeliveredOneByteAtATimeSucceeds() throws Exception {
        ConnectFixture f = fixture();
        TestDevice device = new TestDevice(f, "phone-1").start(NoisePattern.XK, UserHints.handle("alice"));
        ConnectFixture.Stream stream = f.open();
        stream.sendInChunks(device.hello(), 1);
        Frame auth = device.handshake.onServerAuth(device.nextPlain(stream));
        stream.sendInChunks(FrameCodec.encode(auth), 1);
        device.handshake.onAck(device.nextPlain(stream));
        assertEquals(ConnectSession.State.ESTABLISHED, stream.state());
    }

    @Test
    void aKnownDeviceReconnectsWithItsCertificate() throws Exception {
        ConnectFixture f = fixture();
        TestDevice device = new TestDevice(f, "phone-1").start(NoisePattern.XK, UserHints.handle("alice"));
        EstablishedSession first = device.bootstrap(f.open());
        device.start(NoisePattern.IK, UserHints.NONE);
        EstablishedSession second = device.bootstrap(f.open());
        assertEquals(first.userId(), second.userId());
        assertEquals(first.certificate(), second.certificate(), "a valid certificate is kept, not reissued");
    }

    // ---- §3.2 step 6: device resolution ----

    @Test
    void aKnownDevicePresentingAnotherKeyIsRefused() throws Exception {
        ConnectFixture f = fixture();
        TestDevice device = new TestDevice(f, "phone-1").start(NoisePattern.XK, UserHints.handle("alice"));
        device.bootstrap(f.open());
        TestDevice thief = new TestDevice(f, "phone-1").start(NoisePattern.XK, UserHints.NONE);
        assertEquals("device key mismatch", refusalDetail(thief, f.open()));
        assertEquals(Hex.encode(device.identity.deviceKey().publicKey()),
                f.directory.findDevice("phone-1").orElseThrow().publicKey(), "the stored key is unchanged");
    }

    @Test
    void aSecondDeviceForAnExistingHandleNeedsPairing() throws Exception {
        ConnectFixture f = fixture();
        new TestDevice(f, "phone-1").start(NoisePattern.XK, UserHints.handle("alice")).bootstrap(f.open());
        TestDevice other = new TestDevice(f, "laptop-1").start(NoisePattern.XK, UserHints.handle("alice"));
        DeviceHandshakeException e = assertThrows(DeviceHandshakeException.class, () -> other.bootstrap(f.open()));
        assertTrue(e.pairingRequired());
        assertEquals("pairing required", e.serverDetail());
        assertTrue(f.directory.findDevice("laptop-1").isEmpty());
    }

    @Test
    void theErrorForPairingCarriesTitleAndFlag() throws Exception {
        ConnectFixture f = fixture(p -> ConnectFixture.with(p, false, false, 5));
        TestDevice device = new TestDevice(f, "phone-1").start(NoisePattern.XK, UserHints.handle("alice"));
        ConnectFixture.Stream stream = f.open();
        stream.send(device.hello());
        Frame error = device.nextPlain(stream);
        assertEquals(FrameType.ERROR, error.type());
        assertEquals(0, error.channelId());
        ObjectNode body = error.control().json();
        assertEquals("handshake", body.get("error").asText());
        assertEquals("PairingRequired", body.get("title").asText());
        assertTrue(body.get("pairing_required").asBoolean());
    }

    @Test
    void existingUsersAutoApproveWhenConfigured() throws Exception {
        ConnectFixture f = fixture(p -> ConnectFixture.with(p, true, true, 5));
        new TestDevice(f, "phone-1").start(NoisePattern.XK, UserHints.handle("alice")).bootstrap(f.open());
        new TestDevice(f, "laptop-1").start(NoisePattern.XK, UserHints.handle("alice")).bootstrap(f.open());
        assertTrue(f.directory.findDevice("laptop-1").isPresent());
    }

    @Test
    void theDeviceLimitTurnsRegistrationIntoPairing() throws Exception {
        ConnectFixture f = fixture(p -> ConnectFixture.with(p, true, true, 1));
        new TestDevice(f, "phone-1").start(NoisePattern.XK, UserHints.handle("alice")).bootstrap(f.open());
        TestDevice other = new TestDevice(f, "laptop-1").start(NoisePattern.XK, UserHints.handle("alice"));
        assertTrue(assertThrows(DeviceHandshakeException.class, () -> other.bootstrap(f.open())).pairingRequired());
    }

    @Test
    void anUnknownDeviceWithoutAUserHintIsRefused() throws Exception {
        ConnectFixture f = fixture();
        TestDevice device = new TestDevice(f, "phone-1").start(NoisePattern.XK, UserHints.NONE);
        assertEquals("user hint required to register a device", refusalDetail(device, f.open()));
    }

    @Test
    void aUserIdHintThatIsNotTheDevicesUserIsRefused() throws Exception {
        ConnectFixture f = fixture();
        TestDevice device = new TestDevice(f, "phone-1").start(NoisePattern.XK, UserHints.handle("alice"));
        device.bootstrap(f.open());
        device.start(NoisePattern.XK, new UserHints("u-someone-else", null, null, null));
        assertEquals("user does not match the device", refusalDetail(device, f.open()));
    }

    @Test
    void profileHintsUpdateTheUser() throws Exception {
        ConnectFixture f = fixture();
        TestDevice device = new TestDevice(f, "phone-1").start(NoisePattern.XK, UserHints.handle("alice"));
        EstablishedSession s = device.bootstrap(f.open());
        device.start(NoisePattern.XK, new UserHints(null, null, "Alice A.", "https://example.org/a.png"));
        ObjectNode user = (ObjectNode) device.bootstrap(f.open()).ack().get("user");
        assertEquals("Alice A.", user.get("display_name").asText());
        assertEquals("Alice A.", f.directory.findUser(s.userId()).orElseThrow().displayName());
    }

    // ---- proof, Noise and binding ----

    @Test
    void aProofForAnotherDomainIsRefused() throws Exception {
        ConnectFixture f = fixture();
        TestDevice device = new TestDevice(f, "phone-1");
        device.handshake = new DeviceHandshake(device.identity, "evil.example",
                f.serverNoisePublic(), DeviceHandshake.defaultPrologue(),
                NoisePattern.XK, UserHints.handle("alice"), f.random);
        assertEquals("invalid device proof", refusalDetail(device, f.open()));
    }

    @Test
    void aSmallOrderDeviceKeyIsRefusedByTheHardening() throws Exception {
        ConnectFixture f = fixture();
        TestDevice device = new TestDevice(f, "phone-1").start(NoisePattern.XK, UserHints.handle("alice"));
        ObjectNode hello = device.handshake.hello().control().json();
        // The identity point with a proof the bare equation accepts (zkp.json, basic/identity-device-key).
        hello.put("device_public", "0100000000000000000000000000000000000000000000000000000000000000");
        ObjectNode zkp = hello.putObject("zkp");
        zkp.put("commitment", "7846f76f3b609b213d86471ccdf7849e34fcff8a569ddc89cff73085e6db3892");
        zkp.put("response", "3a4c5070636799f826ca013d8f294fcaccd2d9bcba3441b229df1e39c9746d0a");
        ConnectFixture.Stream stream = f.open();
        stream.send(FrameCodec.encode(control(FrameType.HELLO, 0, 1, hello)));
        Frame error = device.nextPlain(stream);
        assertEquals("invalid device proof", error.control().text("detail"));
        assertTrue(f.directory.findDevice("phone-1").isEmpty());
    }

    @Test
    void aHelloForAnotherServerKeyIsRefused() throws Exception {
        ConnectFixture f = fixture();
        TestDevice device = new TestDevice(f, "phone-1")
                .start(NoisePattern.XK, UserHints.handle("alice"), NoiseKeyPair.generate(f.random).publicKey());
        assertEquals("invalid noise handshake", refusalDetail(device, f.open()));
    }

    @Test
    void xkClientStaticThatIsNotTheNoiseStaticIsRefused() throws Exception {
        ConnectFixture f = fixture();
        TestDevice device = new TestDevice(f, "phone-1").start(NoisePattern.XK, UserHints.handle("alice"));
        ConnectFixture.Stream stream = f.open();
        stream.send(helloClaimingAnotherStatic(f, device));
        Frame auth = device.nextPlain(stream);
        stream.send(FrameCodec.encode(device.handshake.onServerAuth(auth)));
        Frame error = device.nextPlain(stream);
        assertEquals("client_static does not match the noise static key", error.control().text("detail"));
        assertTrue(f.sessions.find(SessionTokens.hash(auth.control().text("session")), Instant.now()).isEmpty());
    }

    @Test
    void ikClientStaticThatIsNotTheNoiseStaticIsRefusedAtHello() throws Exception {
        ConnectFixture f = fixture();
        TestDevice device = new TestDevice(f, "phone-1").start(NoisePattern.IK, UserHints.handle("alice"));
        ConnectFixture.Stream stream = f.open();
        stream.send(helloClaimingAnotherStatic(f, device));
        assertEquals("client_static does not match the noise static key", device.nextPlain(stream).control().text("detail"));
    }

    /** A Hello whose proof binds a client_static other than the Noise static the device uses. */
    private static byte[] helloClaimingAnotherStatic(ConnectFixture f, TestDevice device) throws Exception {
        byte[] claimed = NoiseKeyPair.generate(f.random).publicKey();
        ObjectNode hello = device.handshake.hello().control().json();
        hello.put("client_static", Hex.encode(claimed));
        var proof = new HandshakeProver(f.random).prove(device.identity.deviceKey(),
                new ProofContext(ConnectFixture.DOMAIN, device.identity.deviceId(),
                        device.identity.deviceKey().publicKey(), claimed));
        hello.set("zkp", proof.toJson());
        return FrameCodec.encode(control(FrameType.HELLO, 0, 1, hello));
    }

    @Test
    void aHelloReplayedOnANewStreamNeverEstablishes() throws Exception {
        ConnectFixture f = fixture();
        TestDevice device = new TestDevice(f, "phone-1").start(NoisePattern.XK, UserHints.handle("alice"));
        byte[] hello = device.hello();
        ConnectFixture.Stream original = f.open();
        original.send(hello);
        device.nextPlain(original);

        ConnectFixture.Stream replay = f.open();
        replay.send(hello);
        TestDevice attacker = new TestDevice(f, "phone-1");
        Frame auth = attacker.nextPlain(replay);
        assertEquals(FrameType.AUTH, auth.type());
        // Without the device's Noise static key the attacker cannot produce message 3.
        ObjectNode forged = ControlJson.object().put("handshake", Hex.encode(new byte[64]));
        replay.send(FrameCodec.encode(control(FrameType.AUTH, 0, 2, forged)));
        assertEquals("invalid noise handshake", attacker.nextPlain(replay).control().text("detail"));
        assertTrue(f.sessions.find(SessionTokens.hash(auth.control().text("session")), Instant.now()).isEmpty());
    }

    // ---- certificates (§3.2 step 7) ----

    @Test
    void anExpiredCertificateIsRefused() throws Exception {
        ConnectFixture f = fixture();
        TestDevice device = new TestDevice(f, "phone-1").start(NoisePattern.XK, UserHints.handle("alice"));
        EstablishedSession s = device.bootstrap(f.open());
        var ca = new DeviceCertificateAuthority(f.caKey);
        long past = Instant.now().minus(Duration.ofDays(40)).getEpochSecond();
        device.identity = device.identity.withCertificate(ca.issue(99, s.userId(), "phone-1",
                device.identity.deviceKey().publicKey(), past, Duration.ofDays(30)));
        device.start(NoisePattern.XK, UserHints.NONE);
        assertEquals("certificate rejected: expired", refusalDetail(device, f.open()));
    }

    @Test
    void aCertificateOfAForeignCaIsRefused() throws Exception {
        ConnectFixture f = fixture();
        TestDevice device = new TestDevice(f, "phone-1").start(NoisePattern.XK, UserHints.handle("alice"));
        EstablishedSession s = device.bootstrap(f.open());
        var foreign = new DeviceCertificateAuthority(
                DeviceCaKeyPair.generate(f.random));
        device.identity = device.identity.withCertificate(foreign.issue(5, s.userId(), "phone-1",
                device.identity.deviceKey().publicKey(), Instant.now().getEpochSecond()));
        device.start(NoisePattern.XK, UserHints.NONE);
        assertEquals("certificate rejected: untrusted_issuer", refusalDetail(device, f.open()));
    }

    @Test
    void aLegacyCertificateForTheNoiseStaticIsReplacedByOneForTheDeviceKey() throws Exception {
        ConnectFixture f = fixture();
        TestDevice device = new TestDevice(f, "phone-1").start(NoisePattern.XK, UserHints.handle("alice"));
        EstablishedSession s = device.bootstrap(f.open());
        var ca = new DeviceCertificateAuthority(f.caKey);
        device.identity = device.identity.withCertificate(ca.issue(7, s.userId(), "phone-1",
                device.identity.noiseKey().publicKey(), Instant.now().getEpochSecond()));
        device.start(NoisePattern.XK, UserHints.NONE);
        EstablishedSession again = device.bootstrap(f.open());
        assertTrue(java.util.Arrays.equals(device.identity.deviceKey().publicKey(),
                again.certificate().fields().publicKey()));
        assertNotEquals(7, again.certificate().fields().serial());
    }

    // ---- codec failures and endings ----

    @Test
    void garbageIsADecodeError() throws Exception {
        ConnectFixture f = fixture();
        ConnectFixture.Stream stream = f.open();
        stream.send(new byte[] {4, 0x7f, 0, 0, 0});
        Frame error = new TestDevice(f, "x").nextPlain(stream);
        assertEquals(FrameType.ERROR, error.type());
        assertEquals("decode", error.control().text("error"));
        stream.awaitWrites(Integer.MAX_VALUE);
        assertTrue(stream.down.isClosed());
        assertEquals(List.of("decode"), f.failures);
    }

    @Test
    void aBootstrapFrameOverTheLimitIsADecodeError() throws Exception {
        ConnectFixture f = fixture();
        ConnectFixture.Stream stream = f.open();
        stream.send(Varint.encode(DeviceBootstrap.LIMITS.maxBodyBytes() + 1L));
        assertEquals("decode", new TestDevice(f, "x").nextPlain(stream).control().text("error"));
    }

    @Test
    void aFrameOtherThanHelloFirstIsRefused() throws Exception {
        ConnectFixture f = fixture();
        ConnectFixture.Stream stream = f.open();
        stream.send(FrameCodec.encode(control(FrameType.AUTH, 0, 1, ControlJson.object().put("handshake", "00"))));
        assertEquals("expected Hello", new TestDevice(f, "x").nextPlain(stream).control().text("detail"));
    }

    @Test
    void aClientThatClosesMidHandshakeLeavesNoSession() throws Exception {
        ConnectFixture f = fixture();
        TestDevice device = new TestDevice(f, "phone-1").start(NoisePattern.XK, UserHints.handle("alice"));
        ConnectFixture.Stream stream = f.open();
        stream.send(device.hello());
        Frame auth = device.nextPlain(stream);
        stream.endUpstream();
        stream.awaitWrites(Integer.MAX_VALUE);
        assertTrue(stream.down.isClosed());
        assertEquals(List.of("client-closed"), f.failures);
        assertTrue(f.sessions.find(SessionTokens.hash(auth.control().text("session")), Instant.now()).isEmpty());
    }

    // ---- established (§4) ----

    @Test
    void aFrameLargerThanOneNoiseMessageIsReassembled() throws Exception {
        ConnectFixture f = fixture();
        TestDevice device = new TestDevice(f, "phone-1").start(NoisePattern.XK, UserHints.handle("alice"));
        ConnectFixture.Stream stream = f.open();
        device.bootstrap(stream);
        stream.sendInChunks(device.seal(Frame.opaque(FrameType.MSG, 9, 3, new byte[100_000])), 4096);
        Frame answer = device.awaitEncrypted(stream).get(0);
        assertEquals(FrameType.ERROR, answer.type());
        assertEquals(3, answer.control().json().get("ack").asLong(), "the answer acknowledges the 100 KB frame");
        assertEquals(ConnectSession.State.ESTABLISHED, stream.state(), "a semantic error keeps the session");
    }

    @Test
    void bytesThatArriveWithTheDevicesAuthAreTransportBytes() throws Exception {
        ConnectFixture f = fixture();
        TestDevice device = new TestDevice(f, "phone-1").start(NoisePattern.XK, UserHints.handle("alice"));
        ConnectFixture.Stream stream = f.open();
        stream.send(device.hello());
        byte[] auth = FrameCodec.encode(device.handshake.onServerAuth(device.nextPlain(stream)));
        // A device that does not wait for the Ack: its next frame rides in the same chunk.
        var early = new SecureFrameStream(
                (NoiseTransport) field(device.handshake, "transport"));
        byte[] presence = early.seal(control(FrameType.PRESENCE, 0, 3, ControlJson.object().put("state", "away")));
        byte[] together = new byte[auth.length + presence.length];
        System.arraycopy(auth, 0, together, 0, auth.length);
        System.arraycopy(presence, 0, together, auth.length, presence.length);
        stream.send(together);
        assertEquals(FrameType.ACK, device.nextPlain(stream).type());
        awaitPresence(f, "phone-1", "away");
    }

    @Test
    void presenceFramesRepublishThePresenceWithoutAnAck() throws Exception {
        ConnectFixture f = fixture();
        TestDevice device = new TestDevice(f, "phone-1").start(NoisePattern.XK, UserHints.handle("alice"));
        ConnectFixture.Stream stream = f.open();
        device.bootstrap(stream);
        stream.send(device.seal(control(FrameType.PRESENCE, 0, 3, ControlJson.object().put("state", "busy"))));
        awaitPresence(f, "phone-1", "busy");
        assertTrue(device.readEncrypted(stream).isEmpty(), "Presence gets no Ack");
    }

    @Test
    void encryptedFramesContinueTheConnectionsOneSequenceCounter() throws Exception {
        ConnectFixture f = fixture();
        TestDevice device = new TestDevice(f, "phone-1").start(NoisePattern.XK, UserHints.handle("alice"));
        ConnectFixture.Stream stream = f.open();
        device.bootstrap(stream); // Auth was 1, Ack 2
        stream.send(device.seal(Frame.opaque(FrameType.MSG, 4, 3, new byte[] {1})));
        stream.send(device.seal(Frame.opaque(FrameType.MSG, 4, 4, new byte[] {2})));
        List<Frame> answers = new java.util.ArrayList<>(device.awaitEncrypted(stream));
        while (answers.size() < 2) {
            answers.addAll(device.awaitEncrypted(stream));
        }
        assertEquals(List.of(3L, 4L), answers.stream().map(Frame::sequence).toList());
        assertEquals(List.of(3L, 4L), answers.stream().map(a -> a.control().json().get("ack").asLong()).toList());
        assertEquals(List.of(4L, 4L), answers.stream().map(Frame::channelId).toList(), "answered on the frame's channel");
    }

    @Test
    void acknowledgementsAndErrorsFromTheDeviceGetNoAnswer() throws Exception {
        ConnectFixture f = fixture();
        TestDevice device = new TestDevice(f, "phone-1").start(NoisePattern.XK, UserHints.handle("alice"));
        ConnectFixture.Stream stream = f.open();
        device.bootstrap(stream);
        stream.send(device.seal(control(FrameType.ACK, 0, 3, ControlJson.object().put("ack", 2))));
        stream.send(device.seal(control(FrameType.ERROR, 0, 4, ControlJson.object().put("error", "x"))));
        // A frame that is answered, to know the two before it were processed.
        stream.send(device.seal(Frame.opaque(FrameType.MSG, 1, 5, new byte[0])));
        List<Frame> answers = device.awaitEncrypted(stream);
        assertEquals(1, answers.size());
        assertEquals(5, answers.get(0).control().json().get("ack").asLong());
    }

    @Test
    void garbageInsideTheEncryptionEndsTheSessionWithAnEncryptedDecodeError() throws Exception {
        assertDecodeErrorAfterTheBootstrap(new byte[] {4, 0x7f, 0, 0, 0});
    }

    @Test
    void anUnknownFrameTypeAfterTheBootstrapIsAnEncryptedDecodeError() throws Exception {
        assertDecodeErrorAfterTheBootstrap(new byte[] {4, 0x15, 0, 0, 0});
    }

    @Test
    void aChannelIdBeyondU32AfterTheBootstrapIsAnEncryptedDecodeError() throws Exception {
        byte[] channel = Varint.encode(1L << 32);
        byte[] body = new byte[1 + channel.length + 2];
        body[0] = 0x05;
        System.arraycopy(channel, 0, body, 1, channel.length);
        byte[] frame = new byte[body.length + 1];
        frame[0] = (byte) body.length;
        System.arraycopy(body, 0, frame, 1, body.length);
        assertDecodeErrorAfterTheBootstrap(frame);
    }

    /** §4.5: an authentic record whose plaintext does not decode is answered, encrypted, then the session ends. */
    private void assertDecodeErrorAfterTheBootstrap(byte[] plaintext) throws Exception {
        ConnectFixture f = fixture();
        TestDevice device = new TestDevice(f, "phone-1").start(NoisePattern.XK, UserHints.handle("alice"));
        ConnectFixture.Stream stream = f.open();
        EstablishedSession s = device.bootstrap(stream);
        var transport = (NoiseTransport) field(s.frames(), "transport");

        stream.send(transport.seal(plaintext));

        stream.awaitWrites(Integer.MAX_VALUE);
        assertTrue(stream.down.isClosed());
        assertEquals(ConnectSession.State.CLOSED, stream.state());
        List<Frame> frames = device.readEncrypted(stream);
        assertEquals(1, frames.size(), frames.toString());
        assertEquals(FrameType.ERROR, frames.get(0).type());
        assertEquals("decode", frames.get(0).control().text("error"));
        assertEquals(List.of(SessionEnd.DECODE_ERROR), f.endings);
    }

    @Test
    void aFrameCutByTheEndOfTheUpstreamAfterTheBootstrapIsAnEncryptedDecodeError() throws Exception {
        ConnectFixture f = fixture();
        TestDevice device = new TestDevice(f, "phone-1").start(NoisePattern.XK, UserHints.handle("alice"));
        ConnectFixture.Stream stream = f.open();
        EstablishedSession s = device.bootstrap(stream);
        var transport = (NoiseTransport) field(s.frames(), "transport");
        byte[] presence = FrameCodec.encode(control(FrameType.PRESENCE, 0, 3, ControlJson.object()));

        stream.send(transport.seal(java.util.Arrays.copyOf(presence, presence.length - 1)));
        stream.endUpstream();

        stream.awaitWrites(Integer.MAX_VALUE);
        List<Frame> frames = device.readEncrypted(stream);
        assertEquals("decode", frames.get(frames.size() - 1).control().text("error"));
        assertEquals(List.of(SessionEnd.DECODE_ERROR), f.endings);
    }

    @Test
    void aFrameCutByTheEndOfTheUpstreamDuringTheBootstrapIsADecodeError() throws Exception {
        ConnectFixture f = fixture();
        TestDevice device = new TestDevice(f, "phone-1").start(NoisePattern.XK, UserHints.handle("alice"));
        ConnectFixture.Stream stream = f.open();
        byte[] hello = device.hello();

        stream.send(java.util.Arrays.copyOf(hello, hello.length - 1));
        stream.endUpstream();

        Frame error = device.nextPlain(stream);
        assertEquals(FrameType.ERROR, error.type());
        assertEquals("decode", error.control().text("error"));
        assertEquals(List.of("decode"), f.failures);
    }

    @Test
    void aTamperedRecordEndsTheSession() throws Exception {
        ConnectFixture f = fixture();
        TestDevice device = new TestDevice(f, "phone-1").start(NoisePattern.XK, UserHints.handle("alice"));
        ConnectFixture.Stream stream = f.open();
        device.bootstrap(stream);
        byte[] sealed = device.seal(control(FrameType.PRESENCE, 0, 3, ControlJson.object()));
        sealed[sealed.length - 1] ^= 1;
        stream.send(sealed);
        stream.awaitWrites(Integer.MAX_VALUE);
        assertEquals(ConnectSession.State.CLOSED, stream.state());
        awaitGone(f, "phone-1");
    }

    @Test
    void aNewSessionOfTheDeviceReplacesTheOld() throws Exception {
        ConnectFixture f = fixture();
        TestDevice first = new TestDevice(f, "phone-1").start(NoisePattern.XK, UserHints.handle("alice"));
        ConnectFixture.Stream old = f.open();
        first.bootstrap(old);
        TestDevice again = new TestDevice(f, "phone-1");
        again.identity = first.identity;
        again.start(NoisePattern.XK, UserHints.NONE);
        ConnectFixture.Stream fresh = f.open();
        again.bootstrap(fresh);
        Frame notice = first.awaitEncrypted(old).get(0);
        assertEquals("session_replaced", notice.control().text("error"));
        old.awaitWrites(Integer.MAX_VALUE);
        assertTrue(old.down.isClosed());
        assertEquals(ConnectSession.State.ESTABLISHED, fresh.state());
        assertEquals(fresh.session, f.registry.find("phone-1"));
    }

    @Test
    void theReplacedSessionLeavesTheNewSessionsPresence() throws Exception {
        ConnectFixture f = fixture();
        TestDevice first = new TestDevice(f, "phone-1").start(NoisePattern.XK, UserHints.handle("alice"));
        ConnectFixture.Stream old = f.open();
        first.bootstrap(old);
        TestDevice again = new TestDevice(f, "phone-1");
        again.identity = first.identity;
        again.start(NoisePattern.XK, UserHints.NONE);
        again.bootstrap(f.open());
        old.awaitWrites(Integer.MAX_VALUE);
        f.storagePool.submit(() -> { }).get(); // any clear the old session queued has run
        f.storagePool.submit(() -> { }).get();
        assertTrue(f.presence.find("phone-1").isPresent(), "the new session's presence survives");
        assertEquals(ConnectFixture.NODE, f.presence.route("phone-1").orElseThrow());
    }

    @Test
    void aLiveConnectionRefreshesItsSessionEveryKeepaliveInterval() throws Exception {
        ConnectFixture f = fixture(p -> ConnectFixture.withKeepaliveInterval(p, Duration.ofMillis(100)));
        TestDevice device = new TestDevice(f, "phone-1").start(NoisePattern.XK, UserHints.handle("alice"));
        EstablishedSession s = device.bootstrap(f.open());
        String hash = SessionTokens.hash(s.session());
        Instant firstExpiry = f.sessions.find(hash, Instant.now()).orElseThrow().expiresAt();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!f.sessions.find(hash, Instant.now()).orElseThrow().expiresAt().isAfter(firstExpiry)) {
            assertTrue(System.nanoTime() < deadline, "the session was never refreshed");
            Thread.sleep(20);
        }
    }

    @Test
    void theEndOfTheStreamClearsPresence() throws Exception {
        ConnectFixture f = fixture();
        TestDevice device = new TestDevice(f, "phone-1").start(NoisePattern.XK, UserHints.handle("alice"));
        ConnectFixture.Stream stream = f.open();
        device.bootstrap(stream);
        stream.transportClosed();
        awaitGone(f, "phone-1");
        assertEquals(null, f.registry.find("phone-1"));
    }

    @Test
    void storageIsNeverCalledOnTheEventLoop() throws Exception {
        ConnectFixture f = fixture();
        TestDevice device = new TestDevice(f, "phone-1").start(NoisePattern.XK, UserHints.handle("alice"));
        ConnectFixture.Stream stream = f.open();
        device.bootstrap(stream);
        stream.send(device.seal(control(FrameType.PRESENCE, 0, 3, ControlJson.object().put("state", "away"))));
        awaitPresence(f, "phone-1", "away");
        assertFalse(f.storageThreads.threads().isEmpty());
        assertFalse(f.storageThreads.threads().contains(ConnectFixture.LOOP_THREAD), f.storageThreads.threads().toString());
    }

    @Test
    void storageIsNeverCalledOnTheEventLoopInAnyPartOfASessionsLife() throws Exception {
        ConnectFixture f = fixture(p -> ConnectFixture.withKeepaliveInterval(p, Duration.ofMillis(100)));
        TestDevice first = new TestDevice(f, "phone-1").start(NoisePattern.XK, UserHints.handle("alice"));
        ConnectFixture.Stream old = f.open();
        EstablishedSession s = first.bootstrap(old);
        // The keepalive refresh.
        String hash = SessionTokens.hash(s.session());
        Instant firstExpiry = f.sessions.find(hash, Instant.now()).orElseThrow().expiresAt();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!f.sessions.find(hash, Instant.now()).orElseThrow().expiresAt().isAfter(firstExpiry)) {
            assertTrue(System.nanoTime() < deadline, "the session was never refreshed");
            Thread.sleep(20);
        }
        // A presence change, then the replacement by a newer session of the device.
        old.send(first.seal(control(FrameType.PRESENCE, 0, 3, ControlJson.object().put("state", "away"))));
        awaitPresence(f, "phone-1", "away");
        TestDevice again = new TestDevice(f, "phone-1");
        again.identity = first.identity;
        again.start(NoisePattern.XK, UserHints.NONE);
        ConnectFixture.Stream fresh = f.open();
        again.bootstrap(fresh);
        old.awaitWrites(Integer.MAX_VALUE);
        // A bootstrap refused after its resolution: another key under the same device id.
        TestDevice impostor = new TestDevice(f, "phone-1").start(NoisePattern.XK, UserHints.handle("alice"));
        assertEquals("device key mismatch", refusalDetail(impostor, f.open()));
        // The end of the stream.
        fresh.transportClosed();
        awaitGone(f, "phone-1");
        f.storagePool.submit(() -> { }).get();

        assertFalse(f.storageThreads.threads().contains(ConnectFixture.LOOP_THREAD),
                f.storageThreads.threads().toString());
    }

    /** Reaches into SDK internals a well-behaved device never needs (pipelining, raw records). */
    private static Object field(Object owner, String name) throws ReflectiveOperationException {
        var field = owner.getClass().getDeclaredField(name);
        field.setAccessible(true);
        return field.get(owner);
    }

    private static void awaitPresence(ConnectFixture f, String device, String state) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!f.presence.find(device).map(p -> p.state().equals(state)).orElse(false)) {
            assertTrue(System.nanoTime() < deadline, "presence never became " + state);
            Thread.sleep(10);
        }
    }

    private static void awaitGone(ConnectFixture f, String device) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (f.presence.find(device).isPresent()) {
            assertTrue(System.nanoTime() < deadline, "presence was not cleared");
            Thread.sleep(10);
        }
        assertNotNull(device);
    }
}
