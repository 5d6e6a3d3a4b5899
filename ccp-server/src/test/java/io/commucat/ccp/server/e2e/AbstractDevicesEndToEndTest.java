package io.commucat.ccp.server.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.commucat.ccp.client.handshake.DeviceHandshakeException;
import io.commucat.ccp.client.handshake.UserHints;
import io.commucat.ccp.client.transport.H2Response;
import io.commucat.ccp.crypto.Hex;
import io.commucat.ccp.crypto.noise.NoisePattern;
import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.proto.FrameType;
import io.commucat.ccp.server.datadir.DataDirectory;
import io.commucat.ccp.server.handshake.SessionTokens;
import io.commucat.ccp.server.storage.SessionRecord;
import io.commucat.ccp.server.storage.Sessions;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Devices and revocation over TLS (rest.md "Devices and revocation"), and the session-token
 * authentication every device endpoint shares (rest.md "Authentication"): a real node, real
 * devices bootstrapped with the SDK, REST over its HTTP/2 connection. Extended per backend.
 *
 * <p>The {@code main} node admits further devices of existing users without limit, so one
 * handle gets several devices; {@code brief} has a one-second session lifetime (expiry).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(30)
abstract class AbstractDevicesEndToEndTest {

    private E2eNodes nodes;
    private TestNode main;
    private TestNode brief;

    abstract Backend backend(String runId);

    @BeforeAll
    void startMainNode() throws Exception {
        nodes = E2eNodes.open("dev", this::backend);
        main = nodes.start("main", Map.of("CCP_SERVER_AUTO_APPROVE_EXISTING_USERS", "true",
                "CCP_SERVER_MAX_AUTO_DEVICES_PER_USER", "0"));
    }

    @AfterAll
    void stopEverything() {
        if (nodes != null) {
            nodes.close();
        }
    }

    private synchronized TestNode brief() throws Exception {
        if (brief == null) {
            brief = nodes.start("brief", Map.of("CCP_SERVER_KEEPALIVE", "1"));
        }
        return brief;
    }

    /** A connected device and its session token. */
    private record Connected(TestDevice device, DeviceRun run, String token) {
        String id() {
            return device.id;
        }
    }

    private Connected connect(TestNode node, String handle) throws Exception {
        TestDevice device = nodes.newDevice();
        DeviceRun run = device.connect(node, NoisePattern.XK, UserHints.handle(handle));
        return new Connected(device, run, run.awaitEstablished().session());
    }

    private static String adminToken(TestNode node) throws Exception {
        return node.config.admin().token()
                .orElse(Files.readString(node.data.root().resolve(DataDirectory.ADMIN_TOKEN)).trim());
    }

    private static RestCalls.Answer revoke(TestNode node, String token, String deviceId) throws Exception {
        return RestCalls.post(node.connection, "/api/devices/revoke", token, RestCalls.body("device_id", deviceId));
    }

    private static RestCalls.Answer adminRevoke(TestNode node, String deviceId) throws Exception {
        return RestCalls.post(node.connection, "/api/admin/devices/revoke", adminToken(node),
                RestCalls.body("device_id", deviceId));
    }

    private static JsonNode entry(JsonNode devices, String deviceId) {
        for (JsonNode d : devices) {
            if (deviceId.equals(d.path("device_id").asText())) {
                return d;
            }
        }
        throw new AssertionError(deviceId + " not listed in " + devices);
    }

    private static void assertProblem(RestCalls.Answer answer, int status) {
        assertEquals(status, answer.status(), answer.text());
        assertEquals("application/problem+json", answer.header("content-type"), answer.text());
        assertEquals(status, answer.json().path("status").asInt(), answer.text());
    }

    /** The device's open stream got {@code Error revoked} on channel 0 and then ended. */
    private static void assertEndedAsRevoked(DeviceRun run) throws Exception {
        Frame notice = run.nextFrame();
        assertEquals(FrameType.ERROR, notice.type(), notice.toString());
        assertEquals(0, notice.channelId());
        assertEquals("revoked", notice.control().text("error"));
        assertEquals("device revoked", notice.control().text("detail"));
        E2eNodes.awaitTrue(run.closed::isDone, "the revoked device's stream ends");
        assertTrue(run.closed.get().completed(), "the server ends the stream after the notice");
    }

    // ---- GET /api/devices ----

    @Test
    void theListShowsTheUsersDevicesWithCurrentOnlineAndLastSeen() throws Exception {
        String handle = nodes.newHandle();
        Connected a = connect(main, handle);
        Connected b = connect(main, handle);
        Connected stranger = connect(main, nodes.newHandle());

        RestCalls.Answer answer = RestCalls.get(main.connection, "/api/devices", a.token());

        assertEquals(200, answer.status(), answer.text());
        JsonNode devices = answer.json().path("devices");
        assertEquals(2, devices.size(), devices.toString());
        JsonNode self = entry(devices, a.id());
        assertTrue(self.path("current").asBoolean());
        assertEquals("active", self.path("status").asText());
        assertEquals(Hex.encode(a.device().identity.deviceKey().publicKey()), self.path("public_key").asText());
        Instant created = Instant.parse(self.path("created_at").asText());
        assertFalse(created.isAfter(Instant.now()));
        assertTrue(self.path("online").asBoolean());
        assertFalse(Instant.parse(self.path("last_seen").asText()).isBefore(created));
        JsonNode other = entry(devices, b.id());
        assertFalse(other.path("current").asBoolean());
        assertTrue(other.path("online").asBoolean());
        assertTrue(other.has("last_seen"));
        assertFalse(devices.toString().contains(stranger.id()), "another user's device is not listed");
    }

    @Test
    void aDeviceThatDisconnectedIsListedOfflineWithItsLastSeen() throws Exception {
        String handle = nodes.newHandle();
        Connected a = connect(main, handle);
        Connected b = connect(main, handle);
        Instant before = Instant.parse(entry(RestCalls.get(main.connection, "/api/devices", a.token()).json()
                .path("devices"), b.id()).path("last_seen").asText());

        b.run().connection.endUpstream();
        b.run().awaitClosed();

        E2eNodes.awaitTrue(() -> !entry(RestCalls.get(main.connection, "/api/devices", a.token()).json()
                .path("devices"), b.id()).path("online").asBoolean(), "b listed offline");
        E2eNodes.awaitTrue(() -> Instant.parse(entry(RestCalls.get(main.connection, "/api/devices", a.token()).json()
                .path("devices"), b.id()).path("last_seen").asText()).isAfter(before), "b's last_seen is its disconnection");
    }

    // ---- POST /api/devices/revoke ----

    @Test
    void revokingAnotherDeviceOfTheUserEndsItsOpenSessionAtOnce() throws Exception {
        String handle = nodes.newHandle();
        Connected a = connect(main, handle);
        Connected b = connect(main, handle);

        RestCalls.Answer answer = revoke(main, a.token(), b.id());

        assertEquals(200, answer.status(), answer.text());
        assertEquals(b.id(), answer.json().path("device_id").asText());
        assertEquals("revoked", answer.json().path("status").asText());
        assertEndedAsRevoked(b.run());
        assertEquals("revoked", main.state.device(b.id()).orElseThrow().status());
        E2eNodes.awaitTrue(() -> main.state.presenceState(b.id()).isEmpty() && main.state.route(b.id()).isEmpty(),
                "b's presence and route removed");
        assertFalse(a.run().closed.isDone(), "the revoking device's session goes on");

        JsonNode ledger = LedgerLines.await(main, "device revoke", LedgerLines.event("device", "revoke", b.id()));
        assertEquals(a.run().awaitEstablished().userId(), ledger.path("user").asText());
        assertEquals(a.id(), ledger.path("by").asText());
        assertTrue(ledger.path("remote_addr").asText().startsWith("127.0.0.1:"), ledger::toString);
        JsonNode end = LedgerLines.await(main, "session end", LedgerLines.event("session", "end", b.id()));
        assertEquals("revoked", end.path("reason").asText());
    }

    @Test
    void aRevokedDevicesTokenIsRefusedWith403() throws Exception {
        String handle = nodes.newHandle();
        Connected a = connect(main, handle);
        Connected b = connect(main, handle);
        assertEquals(200, revoke(main, a.token(), b.id()).status());

        RestCalls.Answer answer = RestCalls.get(main.connection, "/api/devices", b.token());

        assertProblem(answer, 403);
        assertEquals("device is revoked", answer.json().path("detail").asText());
    }

    @Test
    void aRevokedDevicesCertificateIsRefusedInTheHandshake() throws Exception {
        String handle = nodes.newHandle();
        Connected a = connect(main, handle);
        Connected b = connect(main, handle);
        assertEquals(200, revoke(main, a.token(), b.id()).status());
        assertEndedAsRevoked(b.run());

        DeviceHandshakeException refusal = b.device().start(main, NoisePattern.XK, UserHints.NONE).awaitRefusal();

        assertEquals("handshake", refusal.serverError());
        assertEquals("device is not active", refusal.serverDetail());
    }

    @Test
    void revokingAnotherUsersDeviceIs403AndChangesNothing() throws Exception {
        Connected a = connect(main, nodes.newHandle());
        Connected stranger = connect(main, nodes.newHandle());

        assertProblem(revoke(main, a.token(), stranger.id()), 403);

        assertEquals("active", main.state.device(stranger.id()).orElseThrow().status());
        assertEquals(200, RestCalls.get(main.connection, "/api/devices", stranger.token()).status());
        assertFalse(stranger.run().closed.isDone());
    }

    @Test
    void revokingTheCallingDeviceIs409() throws Exception {
        Connected a = connect(main, nodes.newHandle());

        assertProblem(revoke(main, a.token(), a.id()), 409);

        assertEquals("active", main.state.device(a.id()).orElseThrow().status());
    }

    @Test
    void revokingAnUnknownDeviceIs404() throws Exception {
        Connected a = connect(main, nodes.newHandle());

        assertProblem(revoke(main, a.token(), nodes.runId + "-no-such-device"), 404);
    }

    @Test
    void aRevokeWithoutDeviceIdIs400NamingTheField() throws Exception {
        Connected a = connect(main, nodes.newHandle());

        RestCalls.Answer answer = RestCalls.post(main.connection, "/api/devices/revoke", a.token(), Map.of());

        assertProblem(answer, 400);
        assertEquals("device_id is required", answer.json().path("detail").asText());
    }

    @Test
    void revokingARevokedDeviceAgainIs200AndRecordsNothingNew() throws Exception {
        String handle = nodes.newHandle();
        Connected a = connect(main, handle);
        Connected b = connect(main, handle);
        Connected c = connect(main, handle);
        assertEquals(200, revoke(main, a.token(), b.id()).status());

        RestCalls.Answer again = revoke(main, a.token(), b.id());

        assertEquals(200, again.status(), again.text());
        assertEquals("revoked", again.json().path("status").asText());
        // The ledger writes in order: once c's revocation is there, a second one of b would be too.
        assertEquals(200, revoke(main, a.token(), c.id()).status());
        LedgerLines.await(main, "c's revocation", LedgerLines.event("device", "revoke", c.id()));
        long records = LedgerLines.records(main.config.ledger()).stream()
                .filter(LedgerLines.event("device", "revoke", b.id())).count();
        assertEquals(1, records, "one ledger record for b");
    }

    // ---- admin ----

    @Test
    void theAdminRevokesAnyUsersDevice() throws Exception {
        Connected b = connect(main, nodes.newHandle());

        RestCalls.Answer answer = adminRevoke(main, b.id());

        assertEquals(200, answer.status(), answer.text());
        assertEquals(b.id(), answer.json().path("device_id").asText());
        assertEquals("revoked", answer.json().path("status").asText());
        assertEndedAsRevoked(b.run());
        assertEquals("revoked", main.state.device(b.id()).orElseThrow().status());
        JsonNode ledger = LedgerLines.await(main, "device revoke", LedgerLines.event("device", "revoke", b.id()));
        assertEquals("admin", ledger.path("by").asText());
    }

    @Test
    void theAdminRevokingAnUnknownDeviceIs404() throws Exception {
        assertProblem(adminRevoke(main, nodes.runId + "-no-such-device"), 404);
    }

    @Test
    void theAdminListsAUsersDevices() throws Exception {
        String handle = nodes.newHandle();
        Connected a = connect(main, handle);
        Connected b = connect(main, handle);
        b.run().connection.endUpstream();
        b.run().awaitClosed();
        E2eNodes.awaitTrue(() -> main.state.route(b.id()).isEmpty(), "b offline");

        RestCalls.Answer answer = RestCalls.get(main.connection, "/api/admin/users/" + handle + "/devices",
                adminToken(main));

        assertEquals(200, answer.status(), answer.text());
        JsonNode user = answer.json().path("user");
        assertEquals(a.run().awaitEstablished().userId(), user.path("user_id").asText());
        assertEquals(handle, user.path("handle").asText());
        assertTrue(user.has("display_name"));
        JsonNode devices = answer.json().path("devices");
        assertEquals(2, devices.size(), devices.toString());
        assertTrue(entry(devices, a.id()).path("online").asBoolean());
        assertFalse(entry(devices, b.id()).path("online").asBoolean());
        assertFalse(entry(devices, a.id()).has("current"), "no calling device for the admin");
        assertEquals("active", entry(devices, b.id()).path("status").asText());
    }

    @Test
    void theAdminListOfAnUnknownHandleIs404() throws Exception {
        assertProblem(RestCalls.get(main.connection, "/api/admin/users/" + nodes.newHandle() + "/devices",
                adminToken(main)), 404);
    }

    @Test
    void adminEndpointsRefuseNoTokenAWrongTokenAndADeviceToken() throws Exception {
        Connected a = connect(main, nodes.newHandle());
        String listPath = "/api/admin/users/" + nodes.newHandle() + "/devices";

        for (String token : new String[] {null, "not-the-admin-token", a.token()}) {
            RestCalls.Answer list = RestCalls.get(main.connection, listPath, token);
            assertProblem(list, 401);
            assertEquals("Bearer", list.header("www-authenticate"));
            assertProblem(RestCalls.post(main.connection, "/api/admin/devices/revoke", token,
                    RestCalls.body("device_id", a.id())), 401);
        }
        assertEquals("active", main.state.device(a.id()).orElseThrow().status());
    }

    // ---- authentication (auth.DeviceAuthenticator) ----

    /** {@code GET /api/devices} with exactly this {@code Authorization} value; its status. */
    private int devicesWith(String authorization) throws Exception {
        H2Response response = main.connection.request("GET", "/api/devices", Map.of("authorization", authorization))
                .get(15, TimeUnit.SECONDS);
        return response.status();
    }

    @Test
    void aMissingAuthorizationIs401WithABearerChallenge() throws Exception {
        for (String[] call : new String[][] {{"GET", "/api/devices"}, {"POST", "/api/devices/revoke"}}) {
            RestCalls.Answer answer = RestCalls.call(main.connection, call[0], call[1], null,
                    call[0].equals("POST") ? "{\"device_id\":\"x\"}" : null);
            assertProblem(answer, 401);
            assertEquals("Bearer", answer.header("www-authenticate"), call[1]);
        }
    }

    @Test
    void aBareTokenIsAccepted() throws Exception {
        Connected a = connect(main, nodes.newHandle());

        assertEquals(200, devicesWith(a.token()));
    }

    @Test
    void aBearerTokenIsAccepted() throws Exception {
        Connected a = connect(main, nodes.newHandle());

        assertEquals(200, devicesWith("Bearer " + a.token()));
    }

    @Test
    void anUnknownTokenIs401() throws Exception {
        String unknown = new SessionTokens(new SecureRandom()).newToken();

        RestCalls.Answer answer = RestCalls.get(main.connection, "/api/devices", unknown);

        assertProblem(answer, 401);
        assertEquals("Bearer", answer.header("www-authenticate"));
    }

    @Test
    void anExpiredTokenIs401() throws Exception {
        TestNode node = brief();
        Connected a = connect(node, nodes.newHandle());
        // The open stream refreshes the session every keepalive interval; ended, nothing does.
        a.run().connection.endUpstream();
        a.run().awaitClosed();
        Sessions sessions = node.node.storage().sql().sessions();
        String hash = SessionTokens.hash(a.token());
        E2eNodes.awaitTrue(() -> sessions.find(hash, Instant.now()).isEmpty(), "the one-second session expired");

        RestCalls.Answer answer = RestCalls.get(node.connection, "/api/devices", a.token());

        assertProblem(answer, 401);
        assertEquals("unknown or expired session token", answer.json().path("detail").asText());
    }

    /** A second session of {@code a}'s device, stored as the handshake stores one, expiring at {@code expiresAt}. */
    private String storeSession(Connected a, Instant expiresAt) throws Exception {
        String token = new SessionTokens(new SecureRandom()).newToken();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        main.node.storage().sql().sessions().create(new SessionRecord(SessionTokens.hash(token), a.id(),
                a.run().awaitEstablished().userId(), now, expiresAt, main.config.server().nodeId()));
        return token;
    }

    private Optional<Instant> storedExpiry(String token) throws Exception {
        return main.node.storage().sql().sessions().find(SessionTokens.hash(token), Instant.now())
                .map(SessionRecord::expiresAt);
    }

    @Test
    void aRequestInTheSecondHalfOfTheSessionRefreshesIt() throws Exception {
        Connected a = connect(main, nodes.newHandle());
        Duration keepalive = main.config.server().keepalive();
        Instant late = Instant.now().plus(keepalive.dividedBy(4)).truncatedTo(ChronoUnit.MILLIS);
        String token = storeSession(a, late);

        assertEquals(200, RestCalls.get(main.connection, "/api/devices", token).status());

        Instant moved = storedExpiry(token).orElseThrow();
        assertTrue(moved.isAfter(late.plus(keepalive.dividedBy(2))), "expires_at " + moved + " moved from " + late);
    }

    @Test
    void aRequestInTheFirstHalfOfTheSessionLeavesIt() throws Exception {
        Connected a = connect(main, nodes.newHandle());
        Duration keepalive = main.config.server().keepalive();
        Instant early = Instant.now().plus(keepalive.minusSeconds(5)).truncatedTo(ChronoUnit.MILLIS);
        String token = storeSession(a, early);

        assertEquals(200, RestCalls.get(main.connection, "/api/devices", token).status());

        assertEquals(Optional.of(early), storedExpiry(token));
    }

    @Test
    void aRevocationWhoseBroadcastWasMissedEndsTheSessionAtItsNextRefresh() throws Exception {
        TestNode node = brief();
        Connected bob = connect(node, nodes.newHandle());

        // Straight in storage: no broadcast, no local ending; only the periodic refresh can notice.
        assertTrue(node.node.storage().sql().directory().revokeDevice(bob.id()));

        Frame notice = bob.run().nextFrame();
        assertEquals(FrameType.ERROR, notice.type(), notice.toString());
        assertEquals("revoked", notice.control().text("error"));
        E2eNodes.awaitTrue(bob.run().closed::isDone, "the revoked device's stream ends");
    }
}
