package io.commucat.ccp.server.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.commucat.ccp.client.handshake.DeviceHandshakeException;
import io.commucat.ccp.client.handshake.DeviceIdentity;
import io.commucat.ccp.client.handshake.UserHints;
import io.commucat.ccp.crypto.Hex;
import io.commucat.ccp.crypto.cert.DeviceCertificate;
import io.commucat.ccp.crypto.keys.DeviceKeyPair;
import io.commucat.ccp.crypto.keys.DeviceRotationProof;
import io.commucat.ccp.crypto.noise.NoisePattern;
import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.proto.FrameType;
import io.commucat.ccp.server.datadir.DataDirectory;
import io.commucat.ccp.server.e2e.RestCalls.Answer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue #16's whole story on real nodes over TLS, with auto-approval off: an admin enrols
 * alice and her first device (a) joins with the code; a issues a code and her second device
 * (b) claims it with its own key and bootstraps (on a second node where the backend has one);
 * carol (enrolled the same way, device c) and alice become contacts, and each side sees the
 * other's devices; a rotates its key through the CSR and reconnects with the new key; a revokes
 * b, whose session dies at once wherever it is. Afterwards neither the ledger nor the server's
 * logs hold a session token, a pairing code, the admin token or a private key. Extended once per
 * storage backend.
 */
@Timeout(120)
abstract class AbstractStoryEndToEndTest {

    /** Auto-approval off: every device joins through a code; a key may be rotated right after it was registered. */
    static final Map<String, String> PAIRING_ONLY = Map.of("CCP_SERVER_AUTO_APPROVE_DEVICES", "false",
            "CCP_SECURITY_RATE_LIMIT_PAIRING_BURST", "1000", "CCP_ROTATION_DEVICE_MIN_INTERVAL", "0");

    /** The storage under test, given the run id. */
    abstract Backend backend(String runId);

    /** Whether this backend lets a second node share the first's state (PostgreSQL + Redis). */
    abstract boolean clustered();

    private final List<String> secrets = new ArrayList<>();

    @Test
    void devicesPairBecomeContactsRotateAndRevokeWithoutLeakingSecrets() throws Exception {
        try (E2eNodes nodes = E2eNodes.open("story", this::backend); CapturedLogs logs = new CapturedLogs()) {
            TestNode east = nodes.start("east", PAIRING_ONLY);
            TestNode west = clustered() ? nodes.start("west", PAIRING_ONLY) : east;
            String adminToken = Files.readString(east.data.root().resolve(DataDirectory.ADMIN_TOKEN)).trim();
            secrets.add(adminToken);

            // An admin enrols alice; her first device joins with the code (auto-approval is off).
            String alice = nodes.newHandle();
            TestDevice a = claim(nodes, east, enrol(east, adminToken, alice));
            DeviceRun aRun = a.connect(east, NoisePattern.XK, UserHints.NONE);
            String aToken = token(aRun);
            String aliceId = aRun.awaitEstablished().userId();

            // A stranger cannot join alice's account by naming her handle.
            DeviceRun stranger = nodes.newDevice().start(east, NoisePattern.XK, UserHints.handle(alice));
            assertTrue(stranger.awaitRefusal().getMessage().contains("pairing"), "a bare hint is refused");

            // a issues a code; b claims it with its own key and bootstraps with the claim's certificate.
            Answer code = RestCalls.post(east.connection, "/api/pair", aToken, null);
            assertEquals(200, code.status(), code.text());
            TestDevice b = claim(nodes, west, code.json().path("pair_code").asText());
            DeviceRun bRun = b.connect(west, NoisePattern.XK, UserHints.NONE);
            String bToken = token(bRun);
            assertEquals(aliceId, bRun.awaitEstablished().userId(), "b joined alice's account");

            // carol, another user, enrolled the same way; alice and carol become contacts.
            String carol = nodes.newHandle();
            TestDevice c = claim(nodes, east, enrol(east, adminToken, carol));
            DeviceRun cRun = c.connect(east, NoisePattern.XK, UserHints.NONE);
            String cToken = token(cRun);
            String carolId = cRun.awaitEstablished().userId();
            // Asked on the other node than c's: the notice crosses nodes on the bus.
            Answer request = RestCalls.post(west.connection, "/api/friends/requests/" + carolId, aToken, null);
            assertEquals(201, request.status(), request.text());
            Frame notice = cRun.nextFrame();
            assertEquals(FrameType.GROUP_EVENT, notice.type(), notice.toString());
            assertEquals("friend_request", notice.control().text("type"));
            Answer accepted = RestCalls.post(east.connection, "/api/friends/requests/" + aliceId + "/accept", cToken,
                    null);
            assertEquals(200, accepted.status(), accepted.text());
            assertEquals(Set.of(c.id), deviceIds(RestCalls.get(west.connection,
                    "/api/friends/" + carolId + "/devices", bToken)), "b, alice's second device, sees c");
            assertEquals(Set.of(a.id, b.id), deviceIds(RestCalls.get(east.connection,
                    "/api/friends/" + aliceId + "/devices", cToken)), "c sees both of alice's devices");

            // a rotates its key through the CSR (on the other node than its session), is told on its
            // open session, and comes back with the new key.
            DeviceKeyPair next = DeviceKeyPair.generate(TestDevice.RANDOM);
            Instant expires = Instant.now().plusSeconds(300);
            Map<String, Object> csr = new LinkedHashMap<>();
            csr.put("public_key", Hex.encode(next.publicKey()));
            csr.put("signature", Hex.encode(DeviceRotationProof.sign(a.identity.deviceKey(), a.id, next.publicKey(),
                    expires.getEpochSecond(), null)));
            csr.put("expires_at", expires.toString());
            Answer rotated = RestCalls.post(west.connection, "/api/device/csr", aToken, csr);
            assertEquals(200, rotated.status(), rotated.text());
            Frame keyUpdate = aRun.nextFrame();
            assertEquals(FrameType.KEY_UPDATE, keyUpdate.type(), keyUpdate.toString());
            assertEquals("device-key-rotated", keyUpdate.control().text("type"));
            secrets.add(Hex.encode(a.identity.deviceKey().secretKey()));
            a.identity = new DeviceIdentity(a.id, next, a.identity.noiseKey(),
                    DeviceCertificate.fromJson(rotated.json().path("certificate")));
            aRun.connection.endUpstream();
            aRun = a.connect(east, NoisePattern.XK, UserHints.NONE);
            aToken = token(aRun);

            // a revokes b: b's session dies at once, on whichever node it is, and b cannot come back.
            Answer revoked = RestCalls.post(east.connection, "/api/devices/revoke", aToken,
                    RestCalls.body("device_id", b.id));
            assertEquals(200, revoked.status(), revoked.text());
            Frame end = bRun.nextFrame();
            assertEquals(FrameType.ERROR, end.type(), end.toString());
            assertEquals("revoked", end.control().text("error"));
            E2eNodes.awaitTrue(bRun.closed::isDone, "b's stream ends");
            assertEquals(403, RestCalls.get(west.connection, "/api/devices", bToken).status(), "b's token fails");
            DeviceHandshakeException refusal = b.start(west, NoisePattern.XK, UserHints.NONE).awaitRefusal();
            assertTrue(refusal.getMessage().contains("not active"), refusal.getMessage());
            JsonNode listed = RestCalls.get(east.connection, "/api/devices", aToken).json();
            assertEquals("revoked", statusOf(listed, b.id));
            assertEquals("active", statusOf(listed, a.id));

            for (TestDevice device : List.of(a, b, c)) {
                secrets.add(Hex.encode(device.identity.deviceKey().secretKey()));
                secrets.add(Hex.encode(device.identity.noiseKey().privateKey()));
            }
            secrets.addAll(List.of(aToken, bToken, cToken));
            secrets.addAll(DeviceRun.TOKENS);
            LedgerLines.await(east, "b's revocation", LedgerLines.event("device", "revoke", b.id));
            assertNoSecretIn("the ledger of east", ledgerText(east));
            assertNoSecretIn("the ledger of west", ledgerText(west));
            assertNoSecretIn("the server's logs", String.join("\n", logs.lines()));
        }
    }

    /** {@code POST /api/admin/enroll}: the user is created and its first code returned. */
    private String enrol(TestNode node, String adminToken, String handle) throws Exception {
        Answer enrolled = RestCalls.post(node.connection, "/api/admin/enroll", adminToken, RestCalls.body("handle", handle));
        assertEquals(200, enrolled.status(), enrolled.text());
        return enrolled.json().path("pair_code").asText();
    }

    /** A new device claims {@code code} with a key of its own and keeps the certificate it is given. */
    private TestDevice claim(E2eNodes nodes, TestNode node, String code) throws Exception {
        String normalised = code.replace("-", "").toUpperCase(Locale.ROOT);
        secrets.add(code);
        secrets.add(normalised);
        TestDevice device = nodes.newDevice();
        DeviceKeyPair key = device.identity.deviceKey();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("pair_code", code);
        body.put("device_public", Hex.encode(key.publicKey()));
        body.put("proof", Hex.encode(key.sign(("ccp-pair-claim:" + normalised).getBytes(StandardCharsets.US_ASCII))));
        Answer claimed = RestCalls.post(node.connection, "/api/pair/claim", null, body);
        assertEquals(200, claimed.status(), claimed.text());
        assertTrue(claimed.json().path("private_key").isMissingNode(), "no private key from the server");
        TestDevice paired = new TestDevice(claimed.json().path("device_id").asText());
        paired.identity = new DeviceIdentity(paired.id, key, device.identity.noiseKey(),
                DeviceCertificate.fromJson(claimed.json().path("device_certificate")));
        return paired;
    }

    private static String token(DeviceRun run) throws Exception {
        return run.awaitEstablished().session();
    }

    private static Set<String> deviceIds(Answer answer) {
        assertEquals(200, answer.status(), answer.text());
        Set<String> ids = new TreeSet<>();
        answer.json().path("devices").forEach(d -> ids.add(d.path("device_id").asText()));
        return ids;
    }

    private static String statusOf(JsonNode devices, String deviceId) {
        for (JsonNode device : devices.path("devices")) {
            if (device.path("device_id").asText().equals(deviceId)) {
                return device.path("status").asText();
            }
        }
        throw new AssertionError(deviceId + " not listed in " + devices);
    }

    private static String ledgerText(TestNode node) throws Exception {
        StringBuilder text = new StringBuilder();
        for (Path file : LedgerLines.files(node.config.ledger())) {
            text.append(Files.readString(file, StandardCharsets.UTF_8));
        }
        return text.toString();
    }

    private void assertNoSecretIn(String where, String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        for (String secret : secrets) {
            assertFalse(lower.contains(secret.toLowerCase(Locale.ROOT)),
                    where + " holds a secret (" + secret.length() + " characters, starting "
                            + secret.substring(0, Math.min(4, secret.length())) + ")");
        }
    }
}
