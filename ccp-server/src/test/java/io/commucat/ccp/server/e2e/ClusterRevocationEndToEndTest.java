package io.commucat.ccp.server.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.commucat.ccp.client.handshake.DeviceHandshakeException;
import io.commucat.ccp.client.handshake.UserHints;
import io.commucat.ccp.crypto.noise.NoisePattern;
import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.proto.FrameType;
import io.commucat.ccp.server.datadir.DataDirectory;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Revocation across two nodes on one PostgreSQL and one Redis: the request on one node ends the
 * device's session on the other (the {@code Revoke} broadcast), and the device cannot come back
 * on either.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(30)
class ClusterRevocationEndToEndTest {

    private static final Map<String, String> SEVERAL_DEVICES = Map.of("CCP_SERVER_AUTO_APPROVE_EXISTING_USERS", "true",
            "CCP_SERVER_MAX_AUTO_DEVICES_PER_USER", "0");

    private E2eNodes nodes;
    private TestNode east;
    private TestNode west;

    @BeforeAll
    void startTwoNodes() throws Exception {
        nodes = E2eNodes.open("rv", PostgresRedisBackend::new);
        east = nodes.start("east", SEVERAL_DEVICES);
        west = nodes.start("west", SEVERAL_DEVICES);
    }

    @AfterAll
    void stopEverything() {
        if (nodes != null) {
            nodes.close();
        }
    }

    private static void assertEndedAsRevoked(DeviceRun run) throws Exception {
        Frame notice = run.nextFrame();
        assertEquals(FrameType.ERROR, notice.type(), notice.toString());
        assertEquals("revoked", notice.control().text("error"));
        E2eNodes.awaitTrue(run.closed::isDone, "the revoked device's stream ends");
        assertTrue(run.closed.get().completed(), "the server ends the stream after the notice");
    }

    @Test
    void aRevocationOnOneNodeEndsTheSessionOnTheOther() throws Exception {
        String handle = nodes.newHandle();
        TestDevice alice = nodes.newDevice();
        TestDevice bob = nodes.newDevice();
        DeviceRun a = alice.connect(east, NoisePattern.XK, UserHints.handle(handle));
        DeviceRun b = bob.connect(west, NoisePattern.XK, UserHints.handle(handle));

        RestCalls.Answer answer = RestCalls.post(east.connection, "/api/devices/revoke",
                a.awaitEstablished().session(), RestCalls.body("device_id", bob.id));

        assertEquals(200, answer.status(), answer.text());
        assertEndedAsRevoked(b);
        E2eNodes.awaitTrue(() -> west.state.route(bob.id).isEmpty() && west.state.presenceState(bob.id).isEmpty(),
                "bob's route and presence removed");
        JsonNode end = LedgerLines.await(west, "session end on west", LedgerLines.event("session", "end", bob.id));
        assertEquals("revoked", end.path("reason").asText());
        JsonNode revoke = LedgerLines.await(east, "device revoke on east", LedgerLines.event("device", "revoke", bob.id));
        assertEquals(alice.id, revoke.path("by").asText());
        assertFalse(a.closed.isDone(), "the revoking device's session goes on");
    }

    @Test
    void aDeviceRevokedOnOneNodeIsRefusedOnBoth() throws Exception {
        String handle = nodes.newHandle();
        TestDevice alice = nodes.newDevice();
        TestDevice bob = nodes.newDevice();
        DeviceRun a = alice.connect(east, NoisePattern.XK, UserHints.handle(handle));
        DeviceRun b = bob.connect(west, NoisePattern.XK, UserHints.handle(handle));
        String bobsToken = b.awaitEstablished().session();
        assertEquals(200, RestCalls.post(east.connection, "/api/devices/revoke", a.awaitEstablished().session(),
                RestCalls.body("device_id", bob.id)).status());
        assertEndedAsRevoked(b);

        assertEquals(403, RestCalls.get(west.connection, "/api/devices", bobsToken).status());
        assertEquals(403, RestCalls.get(east.connection, "/api/devices", bobsToken).status());
        for (TestNode node : new TestNode[] {east, west}) {
            DeviceHandshakeException refusal = bob.start(node, NoisePattern.XK, UserHints.NONE).awaitRefusal();
            assertEquals("device is not active", refusal.serverDetail());
        }
    }

    @Test
    void anAdminRevocationOnOneNodeEndsTheSessionOnTheOther() throws Exception {
        TestDevice bob = nodes.newDevice();
        DeviceRun b = bob.connect(east, NoisePattern.XK, UserHints.handle(nodes.newHandle()));
        String adminToken = west.config.admin().token()
                .orElse(Files.readString(west.data.root().resolve(DataDirectory.ADMIN_TOKEN)).trim());

        RestCalls.Answer answer = RestCalls.post(west.connection, "/api/admin/devices/revoke", adminToken,
                RestCalls.body("device_id", bob.id));

        assertEquals(200, answer.status(), answer.text());
        assertEndedAsRevoked(b);
        JsonNode end = LedgerLines.await(east, "session end on east", LedgerLines.event("session", "end", bob.id));
        assertEquals("revoked", end.path("reason").asText());
    }
}
