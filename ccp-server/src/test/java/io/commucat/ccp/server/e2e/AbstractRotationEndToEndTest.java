package io.commucat.ccp.server.e2e;

import static io.commucat.ccp.server.e2e.ChannelFrames.assertAcked;
import static io.commucat.ccp.server.e2e.ChannelFrames.join;
import static io.commucat.ccp.server.e2e.ChannelFrames.newChannel;
import static io.commucat.ccp.server.e2e.ChannelFrames.nextOfType;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.commucat.ccp.client.handshake.DeviceHandshakeException;
import io.commucat.ccp.client.handshake.DeviceIdentity;
import io.commucat.ccp.client.handshake.EstablishedSession;
import io.commucat.ccp.client.handshake.UserHints;
import io.commucat.ccp.client.transport.H2Response;
import io.commucat.ccp.crypto.Hex;
import io.commucat.ccp.crypto.cert.CertificateVerifier;
import io.commucat.ccp.crypto.cert.DeviceCertificate;
import io.commucat.ccp.crypto.keys.DeviceKeyPair;
import io.commucat.ccp.crypto.keys.DeviceRotationProof;
import io.commucat.ccp.crypto.noise.NoisePattern;
import io.commucat.ccp.proto.ControlJson;
import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.proto.FrameType;
import io.commucat.ccp.server.e2e.RestCalls.Answer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Device key rotation end to end (rest.md {@code POST /api/device/csr}, ccp-1.md §3.2): a real
 * node over TLS 1.3 + HTTP/2, a device connected through the SDK's transport, the request signed
 * with {@link DeviceRotationProof}. Extended once per storage backend.
 *
 * <p>Nodes: {@code main} allows back-to-back rotations ({@code min_interval = 0}) and notifies on
 * the default channel 0; {@code paced} keeps the default interval of a day; {@code disabled}
 * turns rotation off; {@code elsewhere} notifies on a channel no device joined.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(30)
abstract class AbstractRotationEndToEndTest {

    private static final String CSR = "/api/device/csr";
    private static final long OTHER_CHANNEL = 4242;

    private E2eNodes nodes;
    private TestNode main;
    private TestNode paced;
    private TestNode disabled;
    private TestNode elsewhere;
    /** Every device key this class made, old and new, for the ledger's secret check. */
    private final List<DeviceKeyPair> keys = new ArrayList<>();

    abstract Backend backend(String runId);

    @BeforeAll
    void startNodes() throws Exception {
        nodes = E2eNodes.open("rot", this::backend);
        main = nodes.start("main", Map.of("CCP_ROTATION_DEVICE_MIN_INTERVAL", "0"));
        paced = nodes.start("paced", Map.of());
        disabled = nodes.start("disabled", Map.of("CCP_ROTATION_DEVICE_ENABLED", "false"));
        elsewhere = nodes.start("elsewhere", Map.of("CCP_ROTATION_DEVICE_MIN_INTERVAL", "0",
                "CCP_ROTATION_DEVICE_NOTIFY_CHANNEL", Long.toString(OTHER_CHANNEL)));
    }

    @AfterAll
    void stopNodes() {
        if (nodes != null) {
            nodes.close();
        }
    }

    // ---- success ----

    @Test
    void aConnectedDeviceRotatesItsKey() throws Exception {
        Connected a = connect(main);
        String oldKey = hex(a.device.identity.deviceKey());
        DeviceKeyPair next = newKey();
        Instant expires = Instant.now().plusSeconds(300);

        Answer answer = RestCalls.post(main.connection, CSR, a.token, csr(a.device, next, expires, "0011223344556677"));

        assertEquals(200, answer.status(), answer.text());
        JsonNode json = answer.json();
        assertEquals(Set.of("device_id", "user_id", "public_key", "old_public_key", "rotation_id", "event_id",
                "applied_at", "proof_expires_at", "certificate"), names(json));
        assertEquals(a.device.id, json.path("device_id").asText());
        assertEquals(a.session.userId(), json.path("user_id").asText());
        assertEquals(hex(next), json.path("public_key").asText());
        assertEquals(oldKey, json.path("old_public_key").asText());
        assertEquals(expires, Instant.parse(json.path("proof_expires_at").asText()));
        assertTrue(json.path("rotation_id").asText().startsWith("rot-"), json.toString());

        StoredState.DeviceRow row = main.state.device(a.device.id).orElseThrow();
        assertEquals(hex(next), row.publicKey());
        assertEquals("active", row.status());
        assertEquals(List.of("register " + oldKey, "rotate " + hex(next)), main.state.keyEvents(a.device.id));
    }

    @Test
    void theNewCertificateIsForTheNewKeyAndRecorded() throws Exception {
        Connected a = connect(main);
        DeviceKeyPair next = newKey();

        JsonNode json = rotate(main, a, next);

        DeviceCertificate certificate = DeviceCertificate.fromJson(json.path("certificate"));
        new CertificateVerifier(main.deviceCaKey().publicKey()).verify(certificate);
        assertArrayEquals(next.publicKey(), certificate.fields().publicKey());
        assertEquals(a.device.id, certificate.fields().deviceId());
        assertEquals(a.session.userId(), certificate.fields().userId());
        assertEquals(30L * 24 * 3600, certificate.fields().expiresAt() - certificate.fields().issuedAt());
        assertTrue(main.state.certificates(a.device.id).contains(
                new StoredState.CertificateRow(certificate.fields().serial(), hex(next))));
    }

    @Test
    void theOpenSessionReceivesTheKeyUpdateOnChannelZero() throws Exception {
        Connected a = connect(main);
        DeviceKeyPair next = newKey();

        JsonNode json = rotate(main, a, next);

        Frame frame = nextOfType(a.run, FrameType.KEY_UPDATE);
        assertEquals(0, frame.channelId());
        JsonNode update = frame.control().json();
        assertEquals(Set.of("type", "device_id", "user_id", "public_key", "old_public_key", "rotation_id",
                "event_id", "certificate", "issued_at", "expires_at"), names(update));
        assertEquals("device-key-rotated", update.path("type").asText());
        for (String field : List.of("device_id", "user_id", "public_key", "old_public_key", "rotation_id",
                "event_id", "certificate")) {
            assertEquals(json.path(field), update.path(field), field);
        }
        DeviceCertificate certificate = DeviceCertificate.fromJson(update.path("certificate"));
        assertEquals(certificate.fields().issuedAt(), update.path("issued_at").asLong());
        assertEquals(certificate.fields().expiresAt(), update.path("expires_at").asLong());
    }

    @Test
    void theDevicesAckOfTheKeyUpdateIsIgnoredAndTheSessionGoesOn() throws Exception {
        Connected a = connect(main);
        rotate(main, a, newKey());
        Frame update = nextOfType(a.run, FrameType.KEY_UPDATE);

        // §4.2: a device acknowledges delivered KeyUpdate frames; this one was never queued.
        ChannelFrames.send(a.run, seq -> Frame.control(FrameType.ACK, update.channelId(), seq,
                ControlJson.object().put("ack", update.sequence())));
        long joined = join(a.run, newChannel());

        Frame next = a.run.nextFrame();
        while (next.type() != FrameType.ACK || next.control().json().path("ack").asLong() != joined) {
            assertFalse(next.type() == FrameType.ERROR, "no Error for the Ack: " + next);
            next = a.run.nextFrame();
        }
    }

    @Test
    void theKeyUpdateReachesTheSessionOnAChannelItNeverJoined() throws Exception {
        Connected a = connect(elsewhere);
        // The session is in use on another channel; the server-made frame needs no membership.
        assertAcked(a.run, join(a.run, newChannel()));

        JsonNode json = rotate(elsewhere, a, newKey());

        Frame frame = nextOfType(a.run, FrameType.KEY_UPDATE);
        assertEquals(OTHER_CHANNEL, frame.channelId());
        assertEquals(json.path("rotation_id"), frame.control().json().path("rotation_id"));
    }

    @Test
    void theRotatedDeviceConnectsWithItsNewKeyAndCertificate() throws Exception {
        Connected a = connect(main);
        DeviceKeyPair next = newKey();
        JsonNode json = rotate(main, a, next);
        DeviceCertificate certificate = DeviceCertificate.fromJson(json.path("certificate"));
        a.device.identity = new DeviceIdentity(a.device.id, next, a.device.identity.noiseKey(), certificate);

        EstablishedSession again = a.device.start(main, NoisePattern.XK, UserHints.NONE).awaitEstablished();

        assertEquals(a.session.userId(), again.userId());
        assertArrayEquals(next.publicKey(), again.certificate().fields().publicKey());
        assertEquals(hex(next), main.state.device(a.device.id).orElseThrow().publicKey());
    }

    @Test
    void aHelloWithTheOldKeyIsRefusedAfterRotation() throws Exception {
        Connected a = connect(main);
        rotate(main, a, newKey());

        // The device's old identity: old key, old (still unexpired) certificate.
        DeviceHandshakeException refusal = a.device.start(main, NoisePattern.XK, UserHints.NONE).awaitRefusal();

        assertEquals("handshake", refusal.serverError());
        assertEquals("device key mismatch", refusal.serverDetail());
    }

    @Test
    void theOldSessionTokenStillWorksForTheNextRotation() throws Exception {
        Connected a = connect(main);
        DeviceKeyPair second = newKey();
        rotate(main, a, second);
        a.device.identity = new DeviceIdentity(a.device.id, second, a.device.identity.noiseKey(), null);
        DeviceKeyPair third = newKey();

        rotate(main, a, third);

        assertEquals(hex(third), main.state.device(a.device.id).orElseThrow().publicKey());
    }

    @Test
    void theLedgerRecordsTheRotationWithoutPrivateMaterial() throws Exception {
        Connected a = connect(main);
        String oldKey = hex(a.device.identity.deviceKey());
        DeviceKeyPair next = newKey();
        JsonNode json = rotate(main, a, next);

        JsonNode record = LedgerLines.await(main, "device rotate", LedgerLines.event("device", "rotate", a.device.id));

        assertEquals("device-csr", record.path("source").asText());
        assertEquals(a.session.userId(), record.path("user").asText());
        assertEquals(json.path("rotation_id").asText(), record.path("rotation_id").asText());
        assertEquals(json.path("event_id").asText(), record.path("event_id").asText());
        assertEquals(oldKey, record.path("old_public_key").asText());
        assertEquals(hex(next), record.path("public_key").asText());
        assertEquals(DeviceCertificate.fromJson(json.path("certificate")).fields().serialText(),
                record.path("certificate_serial").asText());
        assertTrue(record.path("signature").isMissingNode(), "the request's signature stays out");
        assertTrue(record.path("nonce").isMissingNode(), "the request's nonce stays out");
        List<String> secrets = new ArrayList<>();
        for (DeviceKeyPair key : keys) {
            secrets.add(Hex.encode(key.secretKey()));
        }
        TestDevice.ALL.forEach(device -> device.secrets().forEach(secret -> secrets.add(Hex.encode(secret))));
        secrets.addAll(DeviceRun.TOKENS);
        for (Path file : LedgerLines.files(main.config.ledger())) {
            String text = Files.readString(file).toLowerCase(Locale.ROOT);
            for (String secret : secrets) {
                assertFalse(text.contains(secret.toLowerCase(Locale.ROOT)), file + " holds a secret");
            }
        }
    }

    // ---- refusals ----

    @Test
    void aRequestWithoutATokenIsUnauthorized() throws Exception {
        TestDevice device = nodes.newDevice();

        Answer answer = RestCalls.post(main.connection, CSR, null,
                csr(device, newKey(), Instant.now().plusSeconds(300), null));

        assertProblem(answer, 401, "Unauthorized");
        assertEquals("Bearer", answer.header("www-authenticate"));
    }

    @Test
    void aRequestWithAnUnknownTokenIsUnauthorized() throws Exception {
        TestDevice device = nodes.newDevice();

        Answer answer = RestCalls.post(main.connection, CSR, Hex.encode(new byte[32]),
                csr(device, newKey(), Instant.now().plusSeconds(300), null));

        assertProblem(answer, 401, "Unauthorized");
    }

    @Test
    void rotationDisabledIsNotFoundEvenForAnAuthenticatedDevice() throws Exception {
        Connected a = connect(disabled);
        String key = hex(a.device.identity.deviceKey());

        Answer answer = RestCalls.post(disabled.connection, CSR, a.token,
                csr(a.device, newKey(), Instant.now().plusSeconds(300), null));

        assertProblem(answer, 404, "NotFound");
        assertEquals("device key rotation is disabled on this server", answer.json().path("detail").asText());
        assertEquals(key, disabled.state.device(a.device.id).orElseThrow().publicKey());
    }

    @Test
    void rotationDisabledIsNotFoundWithoutAToken() throws Exception {
        Answer answer = RestCalls.post(disabled.connection, CSR, null, Map.of());

        assertProblem(answer, 404, "NotFound");
    }

    static Stream<Arguments> badFields() {
        return Stream.of(
                bad("public_key missing", body -> body.remove("public_key"), "public_key is required"),
                bad("public_key short", body -> body.put("public_key", "ab".repeat(31)),
                        "public_key must be 32 bytes of hex (64 digits)"),
                bad("public_key not hex", body -> body.put("public_key", "zz".repeat(32)), "public_key must be hex"),
                bad("signature missing", body -> body.remove("signature"), "signature is required"),
                bad("signature short", body -> body.put("signature", "ab".repeat(63)),
                        "signature must be 64 bytes of hex (128 digits)"),
                bad("signature not hex", body -> body.put("signature", "zz".repeat(64)), "signature must be hex"),
                bad("expires_at missing", body -> body.remove("expires_at"), "expires_at is required"),
                bad("expires_at not RFC 3339", body -> body.put("expires_at", "in five minutes"),
                        "expires_at must be an RFC 3339 timestamp"),
                bad("nonce short", body -> body.put("nonce", "00112233445566"), "nonce must be at least 8 bytes"),
                bad("nonce long", body -> body.put("nonce", "00".repeat(65)), "nonce must be at most 64 bytes"),
                bad("nonce not hex", body -> body.put("nonce", "xy".repeat(8)), "nonce must be hex"),
                bad("nonce not a string", body -> body.put("nonce", 12345678), "nonce must be a string of hex"));
    }

    private static Arguments bad(String name, Consumer<Map<String, Object>> change, String detail) {
        return Arguments.of(name, change, detail);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFields")
    void aBadFieldIsABadRequestNamingIt(String name, Consumer<Map<String, Object>> change, String detail)
            throws Exception {
        Connected a = connect(main);
        Map<String, Object> body = csr(a.device, newKey(), Instant.now().plusSeconds(300), "0011223344556677");
        change.accept(body);

        Answer answer = RestCalls.post(main.connection, CSR, a.token, body);

        assertProblem(answer, 400, "BadRequest");
        assertEquals(detail, answer.json().path("detail").asText());
        assertUnrotated(main, a);
    }

    @Test
    void theCurrentKeyIsAConflict() throws Exception {
        Connected a = connect(main);

        Answer answer = RestCalls.post(main.connection, CSR, a.token,
                csr(a.device, a.device.identity.deviceKey(), Instant.now().plusSeconds(300), null));

        assertProblem(answer, 409, "Conflict");
        assertEquals("public key unchanged", answer.json().path("detail").asText());
        assertUnrotated(main, a);
    }

    @Test
    void aRotationSoonerThanTheIntervalIsAConflict() throws Exception {
        Connected a = connect(paced);

        Answer answer = RestCalls.post(paced.connection, CSR, a.token,
                csr(a.device, newKey(), Instant.now().plusSeconds(300), null));

        assertProblem(answer, 409, "Conflict");
        assertEquals("rotation interval not elapsed", answer.json().path("detail").asText());
        assertUnrotated(paced, a);
    }

    @Test
    void aSignatureByAnotherKeyIsABadRequest() throws Exception {
        Connected a = connect(main);
        TestDevice impostor = new TestDevice(a.device.id);
        keys.add(impostor.identity.deviceKey());

        Answer answer = RestCalls.post(main.connection, CSR, a.token,
                csr(impostor, newKey(), Instant.now().plusSeconds(300), null));

        assertProblem(answer, 400, "BadRequest");
        assertEquals("signature does not verify with the device's current key", answer.json().path("detail").asText());
        assertUnrotated(main, a);
    }

    @Test
    void anExpiredProofIsABadRequest() throws Exception {
        Connected a = connect(main);

        Answer answer = RestCalls.post(main.connection, CSR, a.token,
                csr(a.device, newKey(), Instant.now().minusSeconds(60), null));

        assertProblem(answer, 400, "BadRequest");
        assertEquals("expires_at has passed: the rotation proof expired", answer.json().path("detail").asText());
        assertUnrotated(main, a);
    }

    @Test
    void aProofValidPastProofTtlIsABadRequest() throws Exception {
        Connected a = connect(main);

        Answer answer = RestCalls.post(main.connection, CSR, a.token,
                csr(a.device, newKey(), Instant.now().plusSeconds(3600), null));

        assertProblem(answer, 400, "BadRequest");
        assertEquals("expires_at must be at most proof_ttl (600 s) from now", answer.json().path("detail").asText());
        assertUnrotated(main, a);
    }

    @Test
    void aBodyThatIsNotJsonIsAnUnsupportedMediaType() throws Exception {
        Connected a = connect(main);

        H2Response response = main.connection.request("POST", CSR,
                Map.of("authorization", "Bearer " + a.token, "content-type", "text/plain"),
                "public_key=00".getBytes(StandardCharsets.UTF_8)).get(15, TimeUnit.SECONDS);

        assertEquals(415, response.status());
        assertUnrotated(main, a);
    }

    @Test
    void malformedJsonIsABadRequest() throws Exception {
        Connected a = connect(main);

        Answer answer = RestCalls.call(main.connection, "POST", CSR, a.token, "{\"public_key\": ");

        assertProblem(answer, 400, "BadRequest");
        assertEquals("request body is not valid JSON", answer.json().path("detail").asText());
        assertUnrotated(main, a);
    }

    @Test
    void anEmptyBodyIsABadRequest() throws Exception {
        Connected a = connect(main);

        Answer answer = RestCalls.call(main.connection, "POST", CSR, a.token, null);

        assertProblem(answer, 400, "BadRequest");
        assertUnrotated(main, a);
    }

    // ---- helpers ----

    /** A device connected to {@code node}, its open run, its session and token. */
    private record Connected(TestDevice device, DeviceRun run, EstablishedSession session, String token) {
    }

    private Connected connect(TestNode node) throws Exception {
        TestDevice device = nodes.newDevice();
        keys.add(device.identity.deviceKey());
        DeviceRun run = device.connect(node, NoisePattern.XK, UserHints.handle(nodes.newHandle()));
        EstablishedSession session = run.awaitEstablished();
        return new Connected(device, run, session, session.session());
    }

    private DeviceKeyPair newKey() {
        DeviceKeyPair key = DeviceKeyPair.generate(TestDevice.RANDOM);
        keys.add(key);
        return key;
    }

    /** Rotates {@code a} to {@code next} on {@code node}, signed by its current key; returns the 200 answer. */
    private static JsonNode rotate(TestNode node, Connected a, DeviceKeyPair next) throws Exception {
        Answer answer = RestCalls.post(node.connection, CSR, a.token,
                csr(a.device, next, Instant.now().plusSeconds(300), null));
        assertEquals(200, answer.status(), answer.text());
        return answer.json();
    }

    /** The request a client builds: signed by the device's current key over the rotation digest. */
    private static Map<String, Object> csr(TestDevice signer, DeviceKeyPair next, Instant expires, String nonce) {
        byte[] nonceBytes = nonce == null ? null : Hex.decode(nonce);
        byte[] signature = DeviceRotationProof.sign(signer.identity.deviceKey(), signer.id, next.publicKey(),
                expires.getEpochSecond(), nonceBytes);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("public_key", Hex.encode(next.publicKey()));
        body.put("signature", Hex.encode(signature));
        body.put("expires_at", expires.toString());
        if (nonce != null) {
            body.put("nonce", nonce);
        }
        return body;
    }

    private static void assertProblem(Answer answer, int status, String title) {
        assertEquals(status, answer.status(), answer.text());
        assertTrue(answer.header("content-type").startsWith("application/problem+json"), answer.header("content-type"));
        assertEquals(title, answer.json().path("title").asText());
        assertEquals(status, answer.json().path("status").asInt());
    }

    /** Nothing changed: the registered key is the only key event, and no KeyUpdate reached the session. */
    private static void assertUnrotated(TestNode node, Connected a) throws Exception {
        String key = hex(a.device.identity.deviceKey());
        assertEquals(key, node.state.device(a.device.id).orElseThrow().publicKey());
        assertEquals(List.of("register " + key), node.state.keyEvents(a.device.id));
        assertTrue(a.run.frames.stream().noneMatch(f -> f.type() == FrameType.KEY_UPDATE));
    }

    private static String hex(DeviceKeyPair key) {
        return Hex.encode(key.publicKey());
    }

    private static Set<String> names(JsonNode node) {
        Set<String> names = new TreeSet<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
            names.add(it.next());
        }
        return names;
    }
}
