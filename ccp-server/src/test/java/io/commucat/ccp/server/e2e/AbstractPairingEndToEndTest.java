package io.commucat.ccp.server.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.commucat.ccp.client.handshake.DeviceIdentity;
import io.commucat.ccp.client.handshake.EstablishedSession;
import io.commucat.ccp.client.handshake.UserHints;
import io.commucat.ccp.client.transport.H2Connection;
import io.commucat.ccp.client.transport.H2Response;
import io.commucat.ccp.crypto.Hex;
import io.commucat.ccp.crypto.cert.DeviceCertificate;
import io.commucat.ccp.crypto.keys.DeviceCaKeyPair;
import io.commucat.ccp.crypto.keys.DeviceKeyPair;
import io.commucat.ccp.crypto.noise.NoisePattern;
import io.commucat.ccp.server.datadir.DataDirectory;
import io.commucat.ccp.server.e2e.RestCalls.Answer;
import io.commucat.ccp.server.pairing.PairCode;
import io.commucat.ccp.server.pairing.PairCodeKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Pairing and admin enrolment end to end (rest.md "POST /api/pair", "POST /api/pair/claim",
 * "POST /api/admin/enroll"): real nodes over TLS 1.3 + HTTP/2, a device that issues a code, a
 * second device with its own key that claims it and then bootstraps on {@code /connect} with the
 * certificate from the claim. Extended once per storage backend.
 *
 * <p>Every device connects from 127.0.0.1, which the claim limit keys on: {@code main} and
 * {@code strict} raise it out of the way; {@code limited} keeps a burst of two for the one test
 * of the limit. {@code strict} turns auto-approval and server-made keys off.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
abstract class AbstractPairingEndToEndTest {

    private static final Pattern CODE = Pattern.compile("[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{4}-"
            + "[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{4}");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern HEX32 = Pattern.compile("[0-9a-f]{64}");
    private static final Map<String, String> CLAIMS_UNLIMITED = Map.of("CCP_SECURITY_RATE_LIMIT_PAIRING_BURST",
            "1000000");

    private E2eNodes nodes;
    private TestNode main;
    private TestNode strict;
    private TestNode limited;

    abstract Backend backend(String runId);

    @BeforeAll
    void startNodes() throws Exception {
        nodes = E2eNodes.open("pair", this::backend);
        main = nodes.start("main", CLAIMS_UNLIMITED);
        strict = nodes.start("strict", Map.of("CCP_SECURITY_RATE_LIMIT_PAIRING_BURST", "1000000",
                "CCP_SERVER_AUTO_APPROVE_DEVICES", "false",
                "CCP_PAIRING_ALLOW_SERVER_GENERATED_KEYS", "false",
                "CCP_PAIRING_MAX_DEVICES_PER_USER", "2"));
    }

    @AfterAll
    void stopNodes() {
        if (nodes != null) {
            nodes.close();
        }
    }

    private synchronized TestNode limited() throws Exception {
        if (limited == null) {
            limited = nodes.start("limited", Map.of("CCP_SECURITY_RATE_LIMIT_PAIRING_BURST", "2"));
        }
        return limited;
    }

    // ---- helpers ----

    /** A device of a new user, bootstrapped by handle (auto-approval creates the user). */
    private record Issuer(TestDevice device, String userId, String handle, String token) {
    }

    private Issuer newIssuer(TestNode node) throws Exception {
        TestDevice device = nodes.newDevice();
        String handle = nodes.newHandle();
        EstablishedSession session = device.connect(node, NoisePattern.XK, UserHints.handle(handle))
                .awaitEstablished();
        return new Issuer(device, session.userId(), handle, session.session());
    }

    private static Answer issue(TestNode node, String token, Object body) throws Exception {
        return RestCalls.post(node.connection, "/api/pair", token, body);
    }

    /** A code of {@code issuer}'s user (200 asserted); its display form. */
    private static String issueCode(TestNode node, Issuer issuer) throws Exception {
        Answer answer = issue(node, issuer.token(), null);
        assertEquals(200, answer.status(), answer.text());
        return answer.json().path("pair_code").asText();
    }

    private static String normalised(String code) {
        return code.replace("-", "").replace(" ", "").toUpperCase(java.util.Locale.ROOT);
    }

    private static String proof(DeviceKeyPair key, String code) {
        return Hex.encode(key.sign(("ccp-pair-claim:" + normalised(code)).getBytes(StandardCharsets.US_ASCII)));
    }

    /** A claim with {@code key}'s public key and a correct proof. */
    private static Map<String, Object> claimBody(String code, DeviceKeyPair key) {
        return RestCalls.body("pair_code", code, "device_public", Hex.encode(key.publicKey()),
                "proof", proof(key, code));
    }

    private static Answer claim(TestNode node, Map<String, Object> body) throws Exception {
        return RestCalls.post(node.connection, "/api/pair/claim", null, body);
    }

    private static String adminToken(TestNode node) throws Exception {
        return node.config.admin().token()
                .orElse(Files.readString(node.data.root().resolve(DataDirectory.ADMIN_TOKEN)).trim());
    }

    private Answer enroll(TestNode node, Object body) throws Exception {
        return RestCalls.post(node.connection, "/api/admin/enroll", adminToken(node), body);
    }

    /** The device a successful claim registered, with {@code key} and the claim's certificate. */
    private TestDevice pairedDevice(Answer claim, DeviceKeyPair key) throws Exception {
        assertEquals(200, claim.status(), claim.text());
        String deviceId = claim.json().path("device_id").asText();
        DeviceCertificate certificate = DeviceCertificate.fromJson(claim.json().path("device_certificate"));
        TestDevice device = new TestDevice(deviceId);
        device.identity = new DeviceIdentity(deviceId, key, device.identity.noiseKey(), null)
                .withCertificate(certificate);
        return device;
    }

    /**
     * What {@code node} stores for {@code code}: its keyed hash, the key derived from the device CA
     * the node signs with: its own data directory's, or on shared PostgreSQL the first node's.
     */
    private String codeHash(TestNode node, String code) {
        for (TestNode candidate : List.of(node, main)) {
            DeviceCaKeyPair ca = DeviceCaKeyPair.fromSeed(candidate.data.deviceCaSeed().bytes());
            if (java.util.Arrays.equals(ca.publicKey(), node.caPublic)) {
                return PairCodeKey.derive(ca.secretKey()).hash(PairCode.parse(code).orElseThrow());
            }
        }
        throw new AssertionError("no data directory here holds the device CA " + node + " signs with");
    }

    /** Runs {@code sql} on the node's database (to age a code: the shortest TTL is a minute). */
    private static void execute(TestNode node, String sql, Object... params) throws Exception {
        try (Connection c = node.node.storage().sql().dataSource().getConnection();
                PreparedStatement statement = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            statement.executeUpdate();
        }
    }

    private int failedAttempts(TestNode node, String code) throws Exception {
        try (Connection c = node.node.storage().sql().dataSource().getConnection();
                PreparedStatement statement = c.prepareStatement(
                        "SELECT failed_attempts FROM pairing_codes WHERE code_hash = ?")) {
            statement.setString(1, codeHash(node, code));
            try (ResultSet row = statement.executeQuery()) {
                assertTrue(row.next(), "the code is stored");
                return row.getInt(1);
            }
        }
    }

    private static void assertProblem(Answer answer, int status, String detailPart) {
        assertEquals(status, answer.status(), answer.text());
        assertTrue(answer.header("content-type").startsWith("application/problem+json"), answer::toString);
        assertTrue(answer.json().path("detail").asText().contains(detailPart), answer.text());
    }

    // ---- the story: issue, claim with a device-held key, bootstrap ----

    @Test
    void deviceIssuesACodeWithTheRequestedTtl() throws Exception {
        Issuer issuer = newIssuer(main);

        Answer answer = issue(main, issuer.token(), RestCalls.body("ttl", 120));

        assertEquals(200, answer.status(), answer.text());
        JsonNode body = answer.json();
        assertTrue(CODE.matcher(body.path("pair_code").asText()).matches(), answer.text());
        assertEquals(120, body.path("ttl").asLong());
        Instant issuedAt = Instant.parse(body.path("issued_at").asText());
        assertEquals(issuedAt.plusSeconds(120), Instant.parse(body.path("expires_at").asText()));
        assertEquals(issuer.device().id, body.path("issuer_device_id").asText());
        assertEquals(Hex.encode(main.caPublic), body.path("device_ca_public").asText());
        assertTrue(HEX32.matcher(body.path("device_seed").asText()).matches(), answer.text());
    }

    @Test
    void storageKeepsOnlyTheHashOfTheCode() throws Exception {
        Issuer issuer = newIssuer(main);
        String code = issueCode(main, issuer);

        List<String> stored = new ArrayList<>();
        try (Connection c = main.node.storage().sql().dataSource().getConnection();
                PreparedStatement statement = c.prepareStatement(
                        "SELECT code_hash, issuer_device_id FROM pairing_codes WHERE user_id = ?")) {
            statement.setString(1, issuer.userId());
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    stored.add(row.getString(1) + " " + row.getString(2));
                }
            }
        }
        assertEquals(List.of(codeHash(main, code) + " " + issuer.device().id), stored);
    }

    @Test
    void claimWithADeviceKeyRegistersTheDeviceForTheIssuersUser() throws Exception {
        Issuer issuer = newIssuer(main);
        String code = issueCode(main, issuer);
        DeviceKeyPair key = DeviceKeyPair.generate(TestDevice.RANDOM);
        Map<String, Object> body = claimBody(code, key);
        body.put("device_name", "second phone");

        Answer claim = claim(main, body);

        assertEquals(200, claim.status(), claim.text());
        JsonNode json = claim.json();
        String deviceId = json.path("device_id").asText();
        assertTrue(HEX32.matcher(deviceId).matches(), claim.text());
        assertEquals(issuer.userId(), json.path("user_id").asText());
        assertEquals(issuer.userId(), json.path("user").path("id").asText());
        assertEquals(issuer.userId(), json.path("user").path("user_id").asText());
        assertEquals(issuer.handle(), json.path("user").path("handle").asText());
        assertEquals(issuer.device().id, json.path("issuer_device_id").asText());
        assertEquals(Hex.encode(main.caPublic), json.path("device_ca_public").asText());
        assertEquals("second phone", json.path("device_name").asText());
        DeviceCertificate certificate = DeviceCertificate.fromJson(json.path("device_certificate"));
        new io.commucat.ccp.crypto.cert.CertificateVerifier(main.caPublic).verify(certificate);
        assertEquals(deviceId, certificate.fields().deviceId());
        assertEquals(issuer.userId(), certificate.fields().userId());
        assertArrayEquals(key.publicKey(), certificate.fields().publicKey());
        assertEquals(Duration.ofDays(30).toSeconds(),
                certificate.fields().expiresAt() - certificate.fields().issuedAt());
        // The device keeps its key: nothing secret comes back.
        assertTrue(json.path("private_key").isMissingNode(), claim.text());
        assertTrue(json.path("seed").isMissingNode(), claim.text());

        String hexKey = Hex.encode(key.publicKey());
        assertEquals(new StoredState.DeviceRow(deviceId, issuer.userId(), hexKey, "active"),
                main.state.device(deviceId).orElseThrow());
        assertEquals(List.of("register " + hexKey), main.state.keyEvents(deviceId));
        assertEquals(List.of(new StoredState.CertificateRow(certificate.fields().serial(), hexKey)),
                main.state.certificates(deviceId));
    }

    @Test
    void pairedDeviceBootstrapsWithItsCertificateAlthoughExistingUsersAreNotAutoApproved() throws Exception {
        assertFalse(main.config.server().autoApproveExistingUsers(), "the default policy");
        Issuer issuer = newIssuer(main);
        DeviceKeyPair key = DeviceKeyPair.generate(TestDevice.RANDOM);
        TestDevice paired = pairedDevice(claim(main, claimBody(issueCode(main, issuer), key)), key);

        EstablishedSession session = paired.connect(main, NoisePattern.XK,
                new UserHints(issuer.userId(), null, null, null)).awaitEstablished();

        assertEquals(issuer.userId(), session.userId());
        assertEquals(paired.identity.certificate().fields().serial(), session.certificate().fields().serial());
    }

    @Test
    void aStrangerWithoutACodeIsStillRefusedForThatUser() throws Exception {
        Issuer issuer = newIssuer(main);
        TestDevice stranger = nodes.newDevice();

        assertEquals("pairing required", stranger.start(main, NoisePattern.XK,
                new UserHints(issuer.userId(), null, null, null)).awaitRefusal().serverDetail());
    }

    @Test
    void aliasPathsIssueAndClaimToo() throws Exception {
        Issuer issuer = newIssuer(main);
        Answer issued = RestCalls.post(main.connection, "/api/pairing", issuer.token(), null);
        assertEquals(200, issued.status(), issued.text());
        DeviceKeyPair key = DeviceKeyPair.generate(TestDevice.RANDOM);

        Answer claim = RestCalls.post(main.connection, "/api/pairing/claim", null,
                claimBody(issued.json().path("pair_code").asText(), key));

        assertEquals(200, claim.status(), claim.text());
    }

    @Test
    void codeMatchesIgnoringCaseSpacesAndHyphens() throws Exception {
        Issuer issuer = newIssuer(main);
        String code = issueCode(main, issuer);
        DeviceKeyPair key = DeviceKeyPair.generate(TestDevice.RANDOM);
        Map<String, Object> body = claimBody(code, key);
        String n = normalised(code).toLowerCase(java.util.Locale.ROOT);
        body.put("pair_code", " " + n.substring(0, 2) + " " + n.substring(2, 6) + "--" + n.substring(6) + " ");

        assertEquals(200, claim(main, body).status());
    }

    @Test
    void issueAndClaimAreInTheLedgerWithoutTheCode() throws Exception {
        Issuer issuer = newIssuer(main);
        String code = issueCode(main, issuer);
        DeviceKeyPair key = DeviceKeyPair.generate(TestDevice.RANDOM);
        String deviceId = claim(main, claimBody(code, key)).json().path("device_id").asText();
        String codeId = codeHash(main, code).substring(0, 16);

        JsonNode issued = LedgerLines.await(main, "pairing issue", r -> "pairing".equals(r.path("scope").asText())
                && "issue".equals(r.path("action").asText()) && codeId.equals(r.path("code_id").asText()));
        assertEquals(issuer.userId(), issued.path("user").asText());
        assertEquals(issuer.device().id, issued.path("issuer_device").asText());
        JsonNode register = LedgerLines.await(main, "device register", LedgerLines.event("device", "register", deviceId));
        assertEquals("pair-claim", register.path("via").asText());
        assertEquals(issuer.userId(), register.path("user").asText());
        JsonNode certificate = LedgerLines.await(main, "certificate",
                LedgerLines.event("device", "certificate", deviceId));
        assertEquals("pair-claim", certificate.path("source").asText());
        assertEquals(codeId, certificate.path("code_id").asText());

        for (JsonNode record : LedgerLines.records(main.config.ledger())) {
            String text = record.toString().toUpperCase(java.util.Locale.ROOT);
            assertFalse(text.contains(normalised(code)) || text.contains(code), "the ledger holds a code");
        }
    }

    @Test
    void metricsCountIssuedCodesAndClaimsByResult() throws Exception {
        Issuer issuer = newIssuer(main);
        DeviceKeyPair key = DeviceKeyPair.generate(TestDevice.RANDOM);
        claim(main, claimBody(issueCode(main, issuer), key));
        claim(main, RestCalls.body("pair_code", "AAAA-AAAA"));

        String metrics = main.scrapeMetrics();

        assertTrue(Pattern.compile("(?m)^ccp_pairing_codes_issued_total [1-9]").matcher(metrics).find(), metrics);
        assertTrue(Pattern.compile("(?m)^ccp_pairing_claims_total\\{result=\"claimed\"} [1-9]").matcher(metrics).find(),
                metrics);
        assertTrue(Pattern.compile("(?m)^ccp_pairing_claims_total\\{result=\"unknown\"} [1-9]").matcher(metrics).find(),
                metrics);
        assertTrue(metrics.contains("ccp_pairing_claims_total{result=\"rate_limited\"}"), metrics);
    }

    // ---- compatibility mode: the server makes the key ----

    @Test
    void claimWithoutADeviceKeyReturnsAWorkingServerMadeKey() throws Exception {
        Issuer issuer = newIssuer(main);
        Answer claim = claim(main, RestCalls.body("pair_code", issueCode(main, issuer)));
        assertEquals(200, claim.status(), claim.text());
        JsonNode json = claim.json();

        DeviceKeyPair key = DeviceKeyPair.fromSecretKey(Hex.decode(json.path("private_key").asText()));
        assertEquals(json.path("public_key").asText(), Hex.encode(key.publicKey()));
        assertArrayEquals(key.publicKey(), DeviceKeyPair.fromSeed(Hex.decode(json.path("seed").asText())).publicKey());
        TestDevice paired = pairedDevice(claim, key);
        assertArrayEquals(key.publicKey(), paired.identity.certificate().fields().publicKey());
        EstablishedSession session = paired.connect(main, NoisePattern.IK,
                new UserHints(issuer.userId(), null, null, null)).awaitEstablished();
        assertEquals(issuer.userId(), session.userId());

        String ledger = LedgerLines.records(main.config.ledger()).toString();
        assertFalse(ledger.contains(json.path("private_key").asText()), "the ledger holds a private key");
        assertFalse(ledger.contains(json.path("seed").asText()), "the ledger holds a seed");
    }

    @Test
    void serverMadeKeysCanBeTurnedOff() throws Exception {
        Answer enrolled = enroll(strict, RestCalls.body("handle", nodes.newHandle()));
        String code = enrolled.json().path("pair_code").asText();

        assertProblem(claim(strict, RestCalls.body("pair_code", code)), 400, "device_public is required");
        // The refusal did not touch the code.
        DeviceKeyPair key = DeviceKeyPair.generate(TestDevice.RANDOM);
        assertEquals(200, claim(strict, claimBody(code, key)).status());
    }

    // ---- admin enrolment ----

    @Test
    void enrolledUsersFirstDeviceClaimsAndBootstrapsWithoutAutoApproval() throws Exception {
        assertFalse(strict.config.server().autoApproveDevices());
        String handle = nodes.newHandle();
        Answer enrolled = enroll(strict, RestCalls.body("handle", handle, "display_name", "Enrolled", "ttl", 600));
        assertEquals(200, enrolled.status(), enrolled.text());
        JsonNode body = enrolled.json();
        assertTrue(CODE.matcher(body.path("pair_code").asText()).matches(), enrolled.text());
        assertTrue(body.path("issuer_device_id").isNull(), enrolled.text());
        assertEquals(300, body.path("ttl").asLong(), "capped at limits.pairing_ttl");
        String userId = body.path("user_id").asText();
        assertEquals(userId, strict.state.userIdByHandle(handle).orElseThrow());

        DeviceKeyPair key = DeviceKeyPair.generate(TestDevice.RANDOM);
        Answer claim = claim(strict, claimBody(body.path("pair_code").asText(), key));
        assertEquals(handle, claim.json().path("user").path("handle").asText());
        assertEquals("Enrolled", claim.json().path("user").path("display_name").asText());
        assertTrue(claim.json().path("issuer_device_id").isNull(), claim.text());
        TestDevice paired = pairedDevice(claim, key);

        EstablishedSession session = paired.connect(strict, NoisePattern.XK, UserHints.handle(handle))
                .awaitEstablished();
        assertEquals(userId, session.userId());
    }

    @Test
    void enrollingAnExistingHandleIssuesAnotherCodeForThatUser() throws Exception {
        String handle = nodes.newHandle();
        Answer first = enroll(strict, RestCalls.body("handle", handle));
        Answer second = enroll(strict, RestCalls.body("handle", handle));

        assertEquals(200, second.status(), second.text());
        assertEquals(first.json().path("user_id").asText(), second.json().path("user_id").asText());
        assertFalse(first.json().path("pair_code").asText().equals(second.json().path("pair_code").asText()));
    }

    @Test
    void enrolmentIsInTheLedger() throws Exception {
        Answer enrolled = enroll(strict, RestCalls.body("handle", nodes.newHandle()));
        String userId = enrolled.json().path("user_id").asText();
        String codeId = codeHash(strict, enrolled.json().path("pair_code").asText()).substring(0, 16);

        JsonNode record = LedgerLines.await(strict, "user enroll", r -> "user".equals(r.path("scope").asText())
                && "enroll".equals(r.path("action").asText()) && userId.equals(r.path("user").asText()));
        assertTrue(record.path("user_created").asBoolean());
        assertEquals(codeId, record.path("code_id").asText());
        JsonNode issued = LedgerLines.await(strict, "pairing issue", r -> "pairing".equals(r.path("scope").asText())
                && codeId.equals(r.path("code_id").asText()));
        assertTrue(issued.path("issuer_device").isNull(), issued::toString);
    }

    @Test
    void enrolmentWithoutTheAdminTokenIs401() throws Exception {
        Answer answer = RestCalls.post(strict.connection, "/api/admin/enroll", null,
                RestCalls.body("handle", nodes.newHandle()));

        assertProblem(answer, 401, "admin token");
    }

    @Test
    void enrolmentWithADeviceTokenIs401() throws Exception {
        Issuer issuer = newIssuer(main);

        assertProblem(RestCalls.post(main.connection, "/api/admin/enroll", issuer.token(),
                RestCalls.body("handle", nodes.newHandle())), 401, "admin token");
    }

    @Test
    void claimPastTheDevicesPerUserCapIs409AndLeavesTheCodeUsable() throws Exception {
        String handle = nodes.newHandle();
        for (int i = 0; i < 2; i++) {
            String code = enroll(strict, RestCalls.body("handle", handle)).json().path("pair_code").asText();
            assertEquals(200, claim(strict, claimBody(code, DeviceKeyPair.generate(TestDevice.RANDOM))).status());
        }
        String third = enroll(strict, RestCalls.body("handle", handle)).json().path("pair_code").asText();

        assertProblem(claim(strict, claimBody(third, DeviceKeyPair.generate(TestDevice.RANDOM))), 409,
                "max_devices_per_user");
        String userId = strict.state.userIdByHandle(handle).orElseThrow();
        String oneDevice = strict.node.storage().sql().directory().listDevices(userId).get(0).id();
        assertTrue(strict.node.storage().sql().directory().revokeDevice(oneDevice));
        assertEquals(200, claim(strict, claimBody(third, DeviceKeyPair.generate(TestDevice.RANDOM))).status(),
                "the refused claim did not spend the code");
    }

    @Test
    void enrolmentWithoutAHandleIs400() throws Exception {
        assertProblem(enroll(strict, RestCalls.body("display_name", "x")), 400, "handle is required");
    }

    @Test
    void enrolmentWithAHandleLongerThanStoredIs400NamingIt() throws Exception {
        assertProblem(enroll(strict, RestCalls.body("handle", "h".repeat(256))), 400, "handle must be at most 255");
    }

    @Test
    void enrolmentWithANulInTheDisplayNameIs400NamingIt() throws Exception {
        assertProblem(enroll(strict, RestCalls.body("handle", nodes.newHandle(), "display_name", "a\u0000b")), 400,
                "display_name must not contain control characters");
    }

    @Test
    void enrolmentWithABadTtlIs400AndCreatesNoUser() throws Exception {
        String handle = nodes.newHandle();

        assertProblem(enroll(strict, RestCalls.body("handle", handle, "ttl", 0)), 400, "ttl");
        assertTrue(strict.state.userIdByHandle(handle).isEmpty());
    }

    // ---- issuing: errors and limits ----

    @Test
    void issuingWithoutATokenIs401() throws Exception {
        assertProblem(issue(main, null, null), 401, "session token");
    }

    @Test
    void issuingWithAnUnknownTokenIs401() throws Exception {
        assertProblem(issue(main, "00".repeat(32), null), 401, "unknown or expired");
    }

    @Test
    void issuingFromARevokedDeviceIs403() throws Exception {
        Issuer issuer = newIssuer(main);
        assertTrue(main.node.storage().sql().directory().revokeDevice(issuer.device().id));

        assertProblem(issue(main, issuer.token(), null), 403, "revoked");
    }

    @Test
    void issuingWithAZeroTtlIs400() throws Exception {
        assertProblem(issue(main, newIssuer(main).token(), RestCalls.body("ttl", 0)), 400, "ttl must be a positive");
    }

    @Test
    void issuingWithANegativeTtlIs400() throws Exception {
        assertProblem(issue(main, newIssuer(main).token(), RestCalls.body("ttl", -60)), 400, "ttl must be a positive");
    }

    @Test
    void issuingWithATextTtlIs400() throws Exception {
        assertProblem(issue(main, newIssuer(main).token(), RestCalls.body("ttl", "60")), 400, "ttl must be an integer");
    }

    @Test
    void ttlIsCappedAtTheConfiguredOneAndRaisedToAMinute() throws Exception {
        String token = newIssuer(main).token();

        assertEquals(300, issue(main, token, RestCalls.body("ttl", 100_000)).json().path("ttl").asLong());
        assertEquals(60, issue(main, token, RestCalls.body("ttl", 5)).json().path("ttl").asLong());
    }

    @Test
    void issuingWithANonJsonBodyIs415() throws Exception {
        Issuer issuer = newIssuer(main);
        H2Response response = main.connection.request("POST", "/api/pair",
                Map.of("authorization", "Bearer " + issuer.token(), "content-type", "text/plain"),
                "{\"ttl\":60}".getBytes(StandardCharsets.UTF_8)).get(15, TimeUnit.SECONDS);

        assertEquals(415, response.status());
    }

    @Test
    void issuingWithMalformedJsonIs400() throws Exception {
        Answer answer = RestCalls.call(main.connection, "POST", "/api/pair", newIssuer(main).token(), "{\"ttl\":");

        assertProblem(answer, 400, "not valid JSON");
    }

    @Test
    void aUserHoldsAtMostFiveLiveCodes() throws Exception {
        Issuer issuer = newIssuer(main);
        for (int i = 0; i < main.config.pairing().maxLiveCodes(); i++) {
            assertEquals(200, issue(main, issuer.token(), RestCalls.body("ttl", 120)).status());
        }

        Answer refused = issue(main, issuer.token(), RestCalls.body("ttl", 120));

        assertProblem(refused, 429, "live pairing codes");
        long retryAfter = Long.parseLong(refused.header("retry-after"));
        assertTrue(retryAfter >= 1 && retryAfter <= 120, "Retry-After until the first code expires: " + retryAfter);
    }

    @Test
    void redeemedCodesFreeTheirPlaceUnderTheCap() throws Exception {
        Issuer issuer = newIssuer(main);
        List<String> codes = new ArrayList<>();
        for (int i = 0; i < main.config.pairing().maxLiveCodes(); i++) {
            codes.add(issueCode(main, issuer));
        }
        assertEquals(200, claim(main, claimBody(codes.get(0), DeviceKeyPair.generate(TestDevice.RANDOM))).status());

        assertEquals(200, issue(main, issuer.token(), null).status());
    }

    // ---- claiming: errors ----

    @Test
    void claimWithoutACodeIs400() throws Exception {
        assertProblem(claim(main, RestCalls.body("device_name", "x")), 400, "pair_code is required");
    }

    @Test
    void claimWithAMalformedCodeIs400NamingPairCode() throws Exception {
        assertProblem(claim(main, RestCalls.body("pair_code", "ABCD-EFG1")), 400, "pair_code must be 8 symbols");
        assertProblem(claim(main, RestCalls.body("pair_code", "ABCD-EFGH-J")), 400, "pair_code must be 8 symbols");
    }

    @Test
    void claimOfAnUnknownCodeIs404() throws Exception {
        assertProblem(claim(main, claimBody("ZZZZ-ZZZ2", DeviceKeyPair.generate(TestDevice.RANDOM))), 404,
                "unknown pairing code");
    }

    @Test
    void claimWithAMalformedDevicePublicIs400() throws Exception {
        String code = issueCode(main, newIssuer(main));

        assertProblem(claim(main, RestCalls.body("pair_code", code, "device_public", "abcd")), 400, "device_public");
        assertEquals(0, failedAttempts(main, code));
    }

    @Test
    void proofWithoutADevicePublicIs400() throws Exception {
        String code = issueCode(main, newIssuer(main));

        assertProblem(claim(main, RestCalls.body("pair_code", code, "proof", "00".repeat(64))), 400,
                "proof needs device_public");
    }

    @Test
    void claimOfAnExpiredCodeIs400SayingSo() throws Exception {
        String code = issueCode(main, newIssuer(main));
        execute(main, "UPDATE pairing_codes SET expires_at = ? WHERE code_hash = ?",
                java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC).minusSeconds(1), codeHash(main, code));

        assertProblem(claim(main, claimBody(code, DeviceKeyPair.generate(TestDevice.RANDOM))), 400, "expired");
    }

    @Test
    void codeOfADeviceRevokedSinceIsRefused() throws Exception {
        Issuer issuer = newIssuer(main);
        String code = issueCode(main, issuer);
        assertTrue(main.node.storage().sql().directory().revokeDevice(issuer.device().id));

        assertProblem(claim(main, claimBody(code, DeviceKeyPair.generate(TestDevice.RANDOM))), 400, "revoked");
    }

    @Test
    void claimOfAUsedCodeIs400SayingSo() throws Exception {
        String code = issueCode(main, newIssuer(main));
        assertEquals(200, claim(main, claimBody(code, DeviceKeyPair.generate(TestDevice.RANDOM))).status());

        assertProblem(claim(main, claimBody(code, DeviceKeyPair.generate(TestDevice.RANDOM))), 400, "already been used");
    }

    @Test
    void badProofIs400AndCountsAgainstTheCode() throws Exception {
        String code = issueCode(main, newIssuer(main));
        DeviceKeyPair key = DeviceKeyPair.generate(TestDevice.RANDOM);
        DeviceKeyPair other = DeviceKeyPair.generate(TestDevice.RANDOM);
        Map<String, Object> body = claimBody(code, key);
        body.put("proof", proof(other, code));

        assertProblem(claim(main, body), 400, "proof must be the Ed25519 signature");
        assertEquals(1, failedAttempts(main, code));
    }

    @Test
    void missingProofIs400AndCountsAgainstTheCode() throws Exception {
        String code = issueCode(main, newIssuer(main));
        DeviceKeyPair key = DeviceKeyPair.generate(TestDevice.RANDOM);

        assertProblem(claim(main, RestCalls.body("pair_code", code, "device_public", Hex.encode(key.publicKey()))),
                400, "proof is required");
        assertEquals(1, failedAttempts(main, code));
    }

    @Test
    void proofOverAnotherCodeIsBad() throws Exception {
        String code = issueCode(main, newIssuer(main));
        DeviceKeyPair key = DeviceKeyPair.generate(TestDevice.RANDOM);
        Map<String, Object> body = claimBody(code, key);
        body.put("proof", proof(key, "ABCD-EFGH"));

        assertProblem(claim(main, body), 400, "proof must be");
    }

    @Test
    void fiveBadProofsLockTheCode() throws Exception {
        Issuer issuer = newIssuer(main);
        String code = issueCode(main, issuer);
        DeviceKeyPair key = DeviceKeyPair.generate(TestDevice.RANDOM);
        Map<String, Object> bad = claimBody(code, key);
        bad.put("proof", "ab".repeat(64));
        for (int i = 1; i < 5; i++) {
            assertProblem(claim(main, bad), 400, "proof must be");
        }
        assertProblem(claim(main, bad), 400, "the code is now locked");

        assertProblem(claim(main, claimBody(code, key)), 400, "locked");
        assertEquals(5, failedAttempts(main, code));
        String codeId = codeHash(main, code).substring(0, 16);
        JsonNode lock = LedgerLines.await(main, "pairing lock", r -> "pairing".equals(r.path("scope").asText())
                && "lock".equals(r.path("action").asText()) && codeId.equals(r.path("code_id").asText()));
        assertEquals(issuer.userId(), lock.path("user").asText());
        JsonNode fifth = LedgerLines.await(main, "fifth failure", r -> "pairing".equals(r.path("scope").asText())
                && "failure".equals(r.path("result").asText()) && codeId.equals(r.path("code_id").asText())
                && r.path("failed_attempts").asInt() == 5);
        assertEquals("bad_proof", fifth.path("reason").asText());
        assertTrue(fifth.path("remote_addr").asText().startsWith("127.0.0.1:"), fifth::toString);
    }

    @Test
    void claimWithANonJsonBodyIs415() throws Exception {
        H2Response response = main.connection.request("POST", "/api/pair/claim", Map.of("content-type", "text/plain"),
                "{\"pair_code\":\"ABCD-EFGH\"}".getBytes(StandardCharsets.UTF_8)).get(15, TimeUnit.SECONDS);

        assertEquals(415, response.status());
    }

    @Test
    void claimWithMalformedJsonIs400() throws Exception {
        assertProblem(RestCalls.call(main.connection, "POST", "/api/pair/claim", null, "{\"pair_code\""), 400,
                "not valid JSON");
    }

    @Test
    void claimWithAnEmptyBodyIs400() throws Exception {
        assertProblem(RestCalls.call(main.connection, "POST", "/api/pair/claim", null, ""), 400, "request body");
    }

    @Test
    void claimsPastTheAddressLimitAre429WithRetryAfter() throws Exception {
        TestNode node = limited();
        Map<String, Object> unknown = RestCalls.body("pair_code", "ZZZZ-ZZZ3");
        assertEquals(404, claim(node, unknown).status());
        assertEquals(404, claim(node, unknown).status());

        Answer refused = claim(node, unknown);

        assertProblem(refused, 429, "pairing");
        long retryAfter = Long.parseLong(refused.header("retry-after"));
        assertTrue(retryAfter > 60 && retryAfter <= 120, "the 120 s penalty: " + retryAfter);
    }

    // ---- single use under racing claims ----

    @Test
    void ofTwoRacingClaimsExactlyOneWins() throws Exception {
        Issuer issuer = newIssuer(main);
        H2Connection first = main.newConnection();
        H2Connection second = main.newConnection();
        try {
            for (int round = 0; round < 5; round++) {
                String code = issueCode(main, issuer);
                List<CompletableFuture<H2Response>> racing = new ArrayList<>();
                for (H2Connection connection : List.of(first, second)) {
                    byte[] body = JSON.writeValueAsBytes(claimBody(code, DeviceKeyPair.generate(TestDevice.RANDOM)));
                    racing.add(connection.request("POST", "/api/pair/claim",
                            Map.of("content-type", "application/json"), body));
                }
                List<Integer> statuses = new ArrayList<>();
                for (CompletableFuture<H2Response> response : racing) {
                    statuses.add(response.get(15, TimeUnit.SECONDS).status());
                }
                statuses.sort(null);
                assertEquals(List.of(200, 400), statuses, "round " + round);
            }
        } finally {
            first.close();
            second.close();
        }
        assertEquals(1 + 5, main.state.activeDevices(issuer.userId()), "the issuer and one device per code");
    }
}
