package io.commucat.ccp.server.rotation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.commucat.ccp.crypto.Hex;
import io.commucat.ccp.crypto.cert.CertificateFields;
import io.commucat.ccp.crypto.cert.DeviceCertificate;
import io.commucat.ccp.crypto.cert.DeviceCertificateAuthority;
import io.commucat.ccp.crypto.keys.DeviceCaKeyPair;
import io.commucat.ccp.crypto.keys.DeviceKeyPair;
import io.commucat.ccp.crypto.keys.DeviceRotationProof;
import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.proto.FrameType;
import io.commucat.ccp.server.audit.Audit;
import io.commucat.ccp.server.config.ServerConfig;
import io.commucat.ccp.server.http.rest.ApiException;
import io.commucat.ccp.server.http.rest.Json;
import io.commucat.ccp.server.http.rest.JsonBody;
import io.commucat.ccp.server.http.rest.RestRequest;
import io.commucat.ccp.server.storage.Device;
import io.commucat.ccp.server.storage.DeviceKeyEvent;
import io.commucat.ccp.server.storage.DeviceStatus;
import io.commucat.ccp.server.storage.IssuedCertificate;
import io.commucat.ccp.server.storage.User;
import io.commucat.ccp.server.storage.jdbc.JdbcDirectory;
import io.commucat.ccp.server.storage.jdbc.JdbcStoreExtension;
import io.commucat.ccp.server.testing.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The rotation rules and effects on a real (H2) directory, with a clock the test moves. */
class DeviceKeyRotationTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Instant REGISTERED = Instant.parse("2026-03-01T12:00:00Z");
    private static final Duration VALIDITY = Duration.ofDays(30);
    private static final Duration DAY = Duration.ofDays(1);
    private static final long NOTIFY_CHANNEL = 7;

    @TempDir
    static Path tempDir;

    @RegisterExtension
    static final JdbcStoreExtension DATABASE = JdbcStoreExtension.h2(() -> tempDir);

    private final DeviceCertificateAuthority ca = new DeviceCertificateAuthority(DeviceCaKeyPair.generate(RANDOM));
    private final MutableClock clock = new MutableClock(REGISTERED);
    private final List<Map.Entry<String, Frame>> sent = new CopyOnWriteArrayList<>();
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private JdbcDirectory directory;
    private DeviceKeyPair currentKey;
    private Device device;

    @BeforeEach
    void registerDevice() throws Exception {
        directory = DATABASE.store().directory();
        directory.createUser(new User("u-1", "alice", null, null, REGISTERED));
        currentKey = DeviceKeyPair.generate(RANDOM);
        device = new Device("dev-1", "u-1", Hex.encode(currentKey.publicKey()), DeviceStatus.ACTIVE, REGISTERED,
                null, null);
        directory.registerDevice(device,
                new DeviceKeyEvent("dke-reg", "dev-1", "register", device.publicKey(), REGISTERED), 0);
    }

    @Test
    void aSignedRequestReplacesTheKeyAndRecordsTheEvent() throws Exception {
        clock.advance(DAY);
        DeviceKeyPair next = DeviceKeyPair.generate(RANDOM);

        Rotation rotation = rotation(DAY).rotate(device, signed(currentKey, next, null));

        assertEquals(Hex.encode(next.publicKey()), directory.findDevice("dev-1").orElseThrow().publicKey());
        DeviceKeyEvent event = directory.lastKeyEvent("dev-1").orElseThrow();
        assertEquals(new DeviceKeyEvent(rotation.eventId(), "dev-1", "rotate", Hex.encode(next.publicKey()),
                clock.instant()), event);
        assertEquals(Hex.encode(next.publicKey()), rotation.publicKey());
        assertEquals(device.publicKey(), rotation.oldPublicKey());
        assertEquals(clock.instant(), rotation.appliedAt());
        assertEquals(1.0, metrics.get("ccp.device.key.rotations").counter().count());
    }

    @Test
    void theNewKeysCertificateIsIssuedByTheCaAndRecorded() throws Exception {
        clock.advance(DAY);
        DeviceKeyPair next = DeviceKeyPair.generate(RANDOM);

        DeviceCertificate certificate = rotation(DAY).rotate(device, signed(currentKey, next, null)).certificate();

        ca.verifier().verify(certificate);
        CertificateFields fields = certificate.fields();
        assertArrayEquals(next.publicKey(), fields.publicKey());
        assertEquals("dev-1", fields.deviceId());
        assertEquals("u-1", fields.userId());
        assertEquals(clock.instant().getEpochSecond(), fields.issuedAt());
        assertEquals(clock.instant().plus(VALIDITY).getEpochSecond(), fields.expiresAt());
        assertEquals(new IssuedCertificate(fields.serial(), "dev-1", "u-1", Hex.encode(next.publicKey()),
                clock.instant(), clock.instant().plus(VALIDITY)), directory.findCertificate(fields.serial()).orElseThrow());
    }

    @Test
    void theAnswerHasTheOriginalsFields() throws Exception {
        clock.advance(DAY);
        Instant expires = clock.instant().plusSeconds(300);

        ObjectNode answer = rotation(DAY).rotate(device, signed(currentKey, DeviceKeyPair.generate(RANDOM), null,
                expires)).answer();

        assertEquals(Set.of("device_id", "user_id", "public_key", "old_public_key", "rotation_id", "event_id",
                "applied_at", "proof_expires_at", "certificate"), names(answer));
        assertEquals(clock.instant().toString(), answer.path("applied_at").asText());
        assertEquals(expires.toString(), answer.path("proof_expires_at").asText());
        assertTrue(answer.path("rotation_id").asText().startsWith("rot-"));
    }

    @Test
    void theDevicesOpenSessionsAreSentAKeyUpdateOnTheNotifyChannel() throws Exception {
        clock.advance(DAY);
        DeviceKeyPair next = DeviceKeyPair.generate(RANDOM);

        Rotation rotation = rotation(DAY).rotate(device, signed(currentKey, next, null));

        assertEquals(1, sent.size());
        assertEquals("dev-1", sent.get(0).getKey());
        Frame frame = sent.get(0).getValue();
        assertEquals(FrameType.KEY_UPDATE, frame.type());
        assertEquals(NOTIFY_CHANNEL, frame.channelId());
        JsonNode body = frame.control().json();
        assertEquals(Set.of("type", "device_id", "user_id", "public_key", "old_public_key", "rotation_id", "event_id",
                "certificate", "issued_at", "expires_at"), names(body));
        assertEquals("device-key-rotated", body.path("type").asText());
        assertEquals(Hex.encode(next.publicKey()), body.path("public_key").asText());
        assertEquals(device.publicKey(), body.path("old_public_key").asText());
        assertEquals(rotation.rotationId(), body.path("rotation_id").asText());
        assertEquals(rotation.eventId(), body.path("event_id").asText());
        assertEquals(rotation.certificate(), DeviceCertificate.fromJson(body.path("certificate")));
        assertEquals(rotation.certificate().fields().issuedAt(), body.path("issued_at").asLong());
        assertEquals(rotation.certificate().fields().expiresAt(), body.path("expires_at").asLong());
    }

    @Test
    void aNotifierThatFailsDoesNotUndoTheAnswer() throws Exception {
        clock.advance(DAY);
        DeviceKeyPair next = DeviceKeyPair.generate(RANDOM);
        DeviceKeyRotation rotation = rotation(DAY, (id, frame) -> {
            throw new IllegalStateException("bus down");
        });

        rotation.rotate(device, signed(currentKey, next, null));

        assertEquals(Hex.encode(next.publicKey()), directory.findDevice("dev-1").orElseThrow().publicKey());
    }

    @Test
    void theCurrentKeyIsUnchanged() throws Exception {
        clock.advance(DAY);

        assertRefused(ApiException.Kind.CONFLICT, "public key unchanged",
                () -> rotation(DAY).rotate(device, signed(currentKey, currentKey, null)));
        assertNothingChanged();
    }

    @Test
    void aRotationSoonerThanTheIntervalAfterRegistrationIsRefused() throws Exception {
        clock.advance(DAY.minusSeconds(1));

        assertRefused(ApiException.Kind.CONFLICT, "rotation interval not elapsed",
                () -> rotation(DAY).rotate(device, signed(currentKey, DeviceKeyPair.generate(RANDOM), null)));
        assertNothingChanged();
    }

    @Test
    void aRotationExactlyTheIntervalAfterTheLastKeyEventIsAllowed() throws Exception {
        clock.advance(DAY);

        rotation(DAY).rotate(device, signed(currentKey, DeviceKeyPair.generate(RANDOM), null));

        assertEquals("rotate", directory.lastKeyEvent("dev-1").orElseThrow().kind());
    }

    @Test
    void theIntervalRunsFromTheLastRotation() throws Exception {
        clock.advance(DAY);
        DeviceKeyPair second = DeviceKeyPair.generate(RANDOM);
        rotation(DAY).rotate(device, signed(currentKey, second, null));
        Device rotated = directory.findDevice("dev-1").orElseThrow();
        clock.advance(Duration.ofHours(1));

        assertRefused(ApiException.Kind.CONFLICT, "rotation interval not elapsed",
                () -> rotation(DAY).rotate(rotated, signed(second, DeviceKeyPair.generate(RANDOM), null)));
    }

    @Test
    void aZeroIntervalAllowsRotationsBackToBack() throws Exception {
        DeviceKeyPair second = DeviceKeyPair.generate(RANDOM);
        DeviceKeyPair third = DeviceKeyPair.generate(RANDOM);
        rotation(Duration.ZERO).rotate(device, signed(currentKey, second, null));

        rotation(Duration.ZERO).rotate(directory.findDevice("dev-1").orElseThrow(), signed(second, third, null));

        assertEquals(Hex.encode(third.publicKey()), directory.findDevice("dev-1").orElseThrow().publicKey());
    }

    @Test
    void aSignatureByAnotherKeyIsRefused() throws Exception {
        clock.advance(DAY);

        assertRefused(ApiException.Kind.BAD_REQUEST, "signature does not verify with the device's current key",
                () -> rotation(DAY).rotate(device,
                        signed(DeviceKeyPair.generate(RANDOM), DeviceKeyPair.generate(RANDOM), null)));
        assertNothingChanged();
    }

    @Test
    void aSignatureOverAnotherNonceIsRefused() throws Exception {
        clock.advance(DAY);
        ObjectNode body = signedBody(currentKey, DeviceKeyPair.generate(RANDOM), "0101010101010101",
                clock.instant().plusSeconds(60));
        body.put("nonce", "0202020202020202");

        assertRefused(ApiException.Kind.BAD_REQUEST, "signature does not verify with the device's current key",
                () -> rotation(DAY).rotate(device, json(body)));
        assertNothingChanged();
    }

    @Test
    void aSignatureWithANonceVerifies() throws Exception {
        clock.advance(DAY);
        DeviceKeyPair next = DeviceKeyPair.generate(RANDOM);

        rotation(DAY).rotate(device, signed(currentKey, next, "00112233445566778899aabbccddeeff"));

        assertEquals(Hex.encode(next.publicKey()), directory.findDevice("dev-1").orElseThrow().publicKey());
    }

    @Test
    void aReplayedRequestIsRefusedAsUnchanged() throws Exception {
        DeviceKeyPair next = DeviceKeyPair.generate(RANDOM);
        JsonBody request = signed(currentKey, next, null);
        rotation(Duration.ZERO).rotate(device, request);
        Device rotated = directory.findDevice("dev-1").orElseThrow();

        assertRefused(ApiException.Kind.CONFLICT, "public key unchanged",
                () -> rotation(Duration.ZERO).rotate(rotated, signed(currentKey, next, null)));
    }

    @Test
    void theLoserOfARaceIsAConflict() throws Exception {
        // Both requests were authenticated (and their signatures checked) against the old key.
        DeviceKeyPair winner = DeviceKeyPair.generate(RANDOM);
        rotation(Duration.ZERO).rotate(device, signed(currentKey, winner, null));
        DeviceKeyPair loser = DeviceKeyPair.generate(RANDOM);

        assertRefused(ApiException.Kind.CONFLICT, "the device's key changed or the device was revoked meanwhile",
                () -> rotation(Duration.ZERO).rotate(device, signed(currentKey, loser, null)));
        assertEquals(Hex.encode(winner.publicKey()), directory.findDevice("dev-1").orElseThrow().publicKey());
        assertEquals(1, sent.size());
    }

    @Test
    void aDeviceRevokedAfterAuthenticationIsAConflict() throws Exception {
        clock.advance(DAY);
        directory.revokeDevice("dev-1");

        assertRefused(ApiException.Kind.CONFLICT, "the device's key changed or the device was revoked meanwhile",
                () -> rotation(DAY).rotate(device, signed(currentKey, DeviceKeyPair.generate(RANDOM), null)));
        assertEquals(device.publicKey(), directory.findDevice("dev-1").orElseThrow().publicKey());
        assertTrue(sent.isEmpty());
    }

    private DeviceKeyRotation rotation(Duration minInterval) {
        return rotation(minInterval, (id, frame) -> sent.add(Map.entry(id, frame)));
    }

    private DeviceKeyRotation rotation(Duration minInterval, BiConsumer<String, Frame> notifier) {
        return new DeviceKeyRotation(directory, ca, VALIDITY,
                new ServerConfig.DeviceRotation(true, minInterval, Duration.ofSeconds(600), NOTIFY_CHANNEL), notifier,
                Audit.discarding(), RANDOM, clock, metrics);
    }

    private JsonBody signed(DeviceKeyPair signer, DeviceKeyPair next, String nonce) throws ApiException {
        return signed(signer, next, nonce, clock.instant().plusSeconds(60));
    }

    private JsonBody signed(DeviceKeyPair signer, DeviceKeyPair next, String nonce, Instant expires)
            throws ApiException {
        return json(signedBody(signer, next, nonce, expires));
    }

    private static ObjectNode signedBody(DeviceKeyPair signer, DeviceKeyPair next, String nonce, Instant expires) {
        byte[] nonceBytes = nonce == null ? null : Hex.decode(nonce);
        ObjectNode body = Json.object();
        body.put("public_key", Hex.encode(next.publicKey()));
        body.put("signature", Hex.encode(DeviceRotationProof.sign(signer, "dev-1", next.publicKey(),
                expires.getEpochSecond(), nonceBytes)));
        body.put("expires_at", expires.toString());
        if (nonce != null) {
            body.put("nonce", nonce);
        }
        return body;
    }

    private static JsonBody json(ObjectNode body) throws ApiException {
        return JsonBody.of(new RestRequest("POST", RotationRoutes.PATH, Map.of(),
                Map.of("content-type", List.of("application/json")), Json.bytes(body), "127.0.0.1"));
    }

    private void assertNothingChanged() throws Exception {
        assertEquals(device.publicKey(), directory.findDevice("dev-1").orElseThrow().publicKey());
        assertEquals("register", directory.lastKeyEvent("dev-1").orElseThrow().kind());
        assertTrue(sent.isEmpty());
        assertEquals(0.0, metrics.get("ccp.device.key.rotations").counter().count());
    }

    private static void assertRefused(ApiException.Kind kind, String detail, Attempt attempt) {
        ApiException e = assertThrows(ApiException.class, attempt::run);
        assertEquals(kind, e.kind());
        assertEquals(detail, e.getMessage());
    }

    private static Set<String> names(JsonNode node) {
        Set<String> names = new TreeSet<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
            names.add(it.next());
        }
        return names;
    }

    @FunctionalInterface
    private interface Attempt {
        void run() throws Exception;
    }
}
