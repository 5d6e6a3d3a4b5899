package io.commucat.ccp.server.e2e;

import static io.commucat.ccp.server.e2e.ChannelFrames.nextOfType;
import static io.commucat.ccp.server.e2e.RestCalls.body;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.commucat.ccp.client.handshake.EstablishedSession;
import io.commucat.ccp.client.handshake.UserHints;
import io.commucat.ccp.client.transport.H2Response;
import io.commucat.ccp.crypto.Hex;
import io.commucat.ccp.crypto.noise.NoisePattern;
import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.proto.FrameType;
import io.commucat.ccp.server.e2e.RestCalls.Answer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Contacts (rest.md "Contacts: /api/friends", issue #16) end to end on a real node over TLS 1.3 +
 * HTTP/2: friend requests reach the addressee's connected device as a live {@code GroupEvent},
 * accepting shares devices both ways, and a user's devices are shown to nobody that user has not
 * accepted (the privacy deviation). Every error path of the endpoints is answered as documented.
 * Extended once per storage backend.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
abstract class AbstractContactsEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private E2eNodes nodes;
    private TestNode main;

    abstract Backend backend(String runId);

    @BeforeAll
    void startNodes() throws Exception {
        nodes = E2eNodes.open("ctc", this::backend);
        main = nodes.start("main", Map.of());
    }

    @AfterAll
    void stopEverything() {
        if (nodes != null) {
            nodes.close();
        }
    }

    /** A user with one connected device. */
    private record Person(TestDevice device, DeviceRun run, String token, String userId, String handle) {
    }

    private Person person() throws Exception {
        TestDevice device = nodes.newDevice();
        String handle = nodes.newHandle();
        // Each on its own connection, so one device's frames never wait behind another's.
        DeviceRun run = device.start(main, main.newConnection(), NoisePattern.XK, UserHints.handle(handle));
        EstablishedSession session = run.awaitEstablished();
        device.identity = device.identity.withCertificate(session.certificate());
        return new Person(device, run, session.session(), session.userId(), handle);
    }

    private Answer get(Person who, String path) throws Exception {
        return RestCalls.get(main.connection, path, who.token());
    }

    private Answer post(Person who, String path, Object body) throws Exception {
        return RestCalls.post(main.connection, path, who.token(), body);
    }

    private Answer put(Person who, Object body) throws Exception {
        return RestCalls.call(main.connection, "PUT", "/api/friends", who.token(),
                JSON.writeValueAsString(body));
    }

    private Answer putText(Person who, String json) throws Exception {
        return RestCalls.call(main.connection, "PUT", "/api/friends", who.token(), json);
    }

    private Answer delete(Person who, String user) throws Exception {
        return RestCalls.call(main.connection, "DELETE", "/api/friends/" + encode(user), who.token(), null);
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static Map<String, Object> friend(String userId) {
        return body("user_id", userId);
    }

    private static Map<String, Object> friends(Object... entries) {
        return body("friends", List.of(entries));
    }

    private Answer request(Person from, Person to) throws Exception {
        return post(from, "/api/friends/requests/" + to.userId(), body("message", "hi from " + from.handle()));
    }

    /** {@code from} asks {@code to}, who accepts. */
    private void befriend(Person from, Person to) throws Exception {
        assertEquals(201, request(from, to).status());
        assertEquals(200, post(to, "/api/friends/requests/" + from.userId() + "/accept", null).status());
    }

    private static void assertProblem(Answer answer, int status) {
        assertEquals(status, answer.status(), answer.text());
        assertEquals("application/problem+json", answer.header("content-type"), answer.text());
        assertEquals(status, answer.json().path("status").asInt());
        assertFalse(answer.json().path("detail").asText().isEmpty());
    }

    private static void assertProblem(Answer answer, int status, String detailPart) {
        assertProblem(answer, status);
        assertTrue(answer.json().path("detail").asText().contains(detailPart), answer.text());
    }

    /** The device ids in a devices array. */
    private static List<String> deviceIds(JsonNode devices) {
        List<String> ids = new ArrayList<>();
        devices.forEach(d -> ids.add(d.path("device_id").asText()));
        return ids;
    }

    // ---- the whole flow ----

    @Test
    void aRequestReachesTheAddresseesDeviceLiveAndAcceptingSharesDevicesBothWays() throws Exception {
        Person a = person();
        Person c = person();

        Answer created = request(a, c);

        assertEquals(201, created.status(), created.text());
        JsonNode req = created.json().path("request");
        String requestId = req.path("id").asText();
        assertTrue(requestId.startsWith("fr-"), requestId);
        assertEquals(a.userId(), req.path("from_user_id").asText());
        assertEquals(c.userId(), req.path("to_user_id").asText());
        assertEquals("pending", req.path("status").asText());
        assertEquals("hi from " + a.handle(), req.path("message").asText());
        assertEquals(req.path("created_at").asText(), req.path("updated_at").asText());
        assertEquals(c.userId(), created.json().path("to_user").path("user_id").asText());
        assertEquals(c.handle(), created.json().path("to_user").path("handle").asText());

        // c1 is connected: the notice arrives as a live server-made frame on channel 0.
        Frame event = nextOfType(c.run(), FrameType.GROUP_EVENT);
        assertEquals(0, event.channelId());
        JsonNode notice = event.control().json();
        assertEquals("friend_request", notice.path("type").asText());
        assertEquals(requestId, notice.path("request_id").asText());
        assertEquals(a.userId(), notice.path("from").asText());
        assertEquals(a.handle(), notice.path("from_handle").asText());
        assertEquals(c.userId(), notice.path("user_id").asText());
        assertEquals(c.handle(), notice.path("handle").asText());
        assertFalse(notice.path("federated").asBoolean(true));
        assertEquals(req.path("created_at").asText(), notice.path("timestamp").asText());
        assertEquals("hi from " + a.handle(), notice.path("message").asText());
        assertEquals(c.device().id, notice.path("target_device").asText());

        Answer incoming = get(c, "/api/friends/requests");
        assertEquals(200, incoming.status());
        assertEquals(requestId, incoming.json().path("incoming").path(0).path("id").asText());
        assertEquals(0, incoming.json().path("outgoing").size());
        assertEquals(requestId, get(a, "/api/friends/requests").json().path("outgoing").path(0).path("id").asText());

        Answer accepted = post(c, "/api/friends/requests/" + a.userId() + "/accept", null);

        assertEquals(200, accepted.status(), accepted.text());
        assertEquals("accepted", accepted.json().path("request").path("status").asText());
        assertEquals(requestId, accepted.json().path("request").path("id").asText());
        assertEquals(a.userId(), accepted.json().path("from_user").path("user_id").asText());
        assertEquals(0, get(c, "/api/friends/requests").json().path("incoming").size());
        assertEquals("accepted",
                get(a, "/api/friends/requests").json().path("outgoing").path(0).path("status").asText());

        JsonNode aView = get(a, "/api/friends").json();
        assertEquals(c.userId(), aView.path("friends").path(0).path("user_id").asText());
        assertFalse(aView.path("friends").path(0).has("alias"));
        JsonNode c1 = aView.path("devices").path(c.userId()).path(0);
        assertEquals(c.device().id, c1.path("device_id").asText());
        assertEquals(Hex.encode(c.device().identity.deviceKey().publicKey()), c1.path("public_key").asText());
        assertEquals("active", c1.path("status").asText());
        assertFalse(c1.path("created_at").asText().isEmpty());
        assertFalse(c1.has("last_rotated_at"), "never rotated");

        JsonNode cView = get(c, "/api/friends").json();
        assertEquals(a.userId(), cView.path("friends").path(0).path("user_id").asText());
        assertEquals(List.of(a.device().id), deviceIds(cView.path("devices").path(a.userId())));

        Answer byHandle = get(a, "/api/friends/" + c.handle() + "/devices");
        assertEquals(200, byHandle.status(), byHandle.text());
        assertEquals(c.userId(), byHandle.json().path("friend").asText());
        assertEquals(List.of(c.device().id), deviceIds(byHandle.json().path("devices")));

        LedgerLines.await(main, "request recorded", r -> "contacts".equals(r.path("scope").asText())
                && "request".equals(r.path("action").asText()) && c.userId().equals(r.path("to").asText()));
        JsonNode acceptance = LedgerLines.await(main, "acceptance recorded",
                r -> "contacts".equals(r.path("scope").asText()) && "accept".equals(r.path("action").asText())
                        && a.userId().equals(r.path("from").asText()));
        assertEquals(c.userId(), acceptance.path("to").asText());
        assertFalse(acceptance.toString().contains("hi from"), "no message in the ledger");
    }

    // ---- the privacy deviation ----

    @Test
    void listingSomeoneWhoHasNotAcceptedShowsNoneOfTheirDevices() throws Exception {
        Person a = person();
        Person b = person();

        Answer replaced = put(b, friends(friend(a.userId())));

        assertEquals(200, replaced.status(), replaced.text());
        assertEquals(a.userId(), replaced.json().path("friends").path(0).path("user_id").asText());
        assertTrue(replaced.json().path("devices").path(a.userId()).isArray());
        assertEquals(0, replaced.json().path("devices").path(a.userId()).size());
        assertEquals(0, get(b, "/api/friends").json().path("devices").path(a.userId()).size());
        assertProblem(get(b, "/api/friends/" + a.userId() + "/devices"), 404, "not accepted");
    }

    @Test
    void aThirdUserListingAnAcceptedFriendSeesNoDevices() throws Exception {
        Person a = person();
        Person c = person();
        Person b = person();
        befriend(a, c);

        put(b, friends(friend(a.userId()), friend(c.userId())));

        JsonNode bView = get(b, "/api/friends").json();
        assertEquals(0, bView.path("devices").path(a.userId()).size());
        assertEquals(0, bView.path("devices").path(c.userId()).size());
        assertProblem(get(b, "/api/friends/" + a.userId() + "/devices"), 404);
        assertEquals(List.of(a.device().id), deviceIds(get(c, "/api/friends").json().path("devices").path(a.userId())));
    }

    @Test
    void listingEachOtherSharesDevicesWithoutARequest() throws Exception {
        Person a = person();
        Person b = person();
        put(b, friends(friend(a.userId())));

        put(a, friends(body("user_id", b.userId(), "alias", "Bee")));

        assertEquals(List.of(a.device().id), deviceIds(get(b, "/api/friends").json().path("devices").path(a.userId())));
        JsonNode aView = get(a, "/api/friends").json();
        assertEquals("Bee", aView.path("friends").path(0).path("alias").asText());
        assertEquals(List.of(b.device().id), deviceIds(aView.path("devices").path(b.userId())));
    }

    @Test
    void aPendingOrRejectedRequestSharesNothing() throws Exception {
        Person a = person();
        Person c = person();
        put(a, friends(friend(c.userId())));
        request(a, c);

        assertProblem(get(a, "/api/friends/" + c.userId() + "/devices"), 404);
        Answer rejected = post(c, "/api/friends/requests/" + a.userId() + "/reject", null);

        assertEquals(200, rejected.status(), rejected.text());
        assertEquals("rejected", rejected.json().path("request").path("status").asText());
        assertEquals(a.userId(), rejected.json().path("from_user").path("user_id").asText());
        assertEquals(0, get(a, "/api/friends").json().path("devices").path(c.userId()).size());
        assertEquals(0, get(c, "/api/friends").json().path("friends").size(), "rejecting lists no one");
        LedgerLines.await(main, "rejection recorded", r -> "reject".equals(r.path("action").asText())
                && a.userId().equals(r.path("from").asText()));
    }

    @Test
    void aRequestRightAfterItsRejectionIsRefusedWithRetryAfter() throws Exception {
        Person a = person();
        Person c = person();
        request(a, c);
        post(c, "/api/friends/requests/" + a.userId() + "/reject", null);

        Answer again = request(a, c);

        assertEquals(429, again.status(), again.text());
        assertTrue(again.json().path("detail").asText().contains("declined"), again.text());
        assertTrue(Long.parseLong(again.header("retry-after")) > 86_000, again.header("retry-after"));
    }

    @Test
    void aNewRequestADayAfterARejectionIsANewPendingRequest() throws Exception {
        Person a = person();
        Person c = person();
        String first = request(a, c).json().path("request").path("id").asText();
        post(c, "/api/friends/requests/" + a.userId() + "/reject", null);
        // A day passes (the rejection's time moved back rather than waited for).
        try (java.sql.Connection db = main.node.storage().sql().dataSource().getConnection();
                java.sql.PreparedStatement aged = db.prepareStatement(
                        "UPDATE friend_requests SET updated_at = ? WHERE id = ?")) {
            aged.setObject(1, java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC).minusDays(1).minusMinutes(1));
            aged.setString(2, first);
            assertEquals(1, aged.executeUpdate());
        }

        Answer again = request(a, c);

        assertEquals(201, again.status(), again.text());
        assertEquals("pending", again.json().path("request").path("status").asText());
        assertNotEquals(first, again.json().path("request").path("id").asText());
    }

    @Test
    void deletingAFriendWithdrawsTheSharingBothWays() throws Exception {
        Person a = person();
        Person c = person();
        befriend(a, c);

        Answer deleted = delete(c, a.userId());

        assertEquals(204, deleted.status(), deleted.text());
        assertEquals("", deleted.text());
        assertEquals(0, get(c, "/api/friends").json().path("friends").size());
        assertEquals(0, get(a, "/api/friends").json().path("devices").path(c.userId()).size());
        assertProblem(get(a, "/api/friends/" + c.userId() + "/devices"), 404);
        assertProblem(delete(c, a.userId()), 404);
        LedgerLines.await(main, "deletion recorded", r -> "delete".equals(r.path("action").asText())
                && c.userId().equals(r.path("user").asText()) && a.userId().equals(r.path("friend").asText()));
    }

    @Test
    void deletingByHandleAndAnUnknownListedIdWorks() throws Exception {
        Person a = person();
        Person c = person();
        put(a, friends(friend(c.userId()), friend("nobody-knows-this-id")));

        assertEquals(204, delete(a, c.handle()).status());
        assertEquals(204, delete(a, "nobody-knows-this-id").status());

        assertEquals(0, get(a, "/api/friends").json().path("friends").size());
    }

    @Test
    void aReplacedListKeepsItsOrderAndIsRecordedByCountOnly() throws Exception {
        Person a = person();
        put(a, friends(friend("x-1"), friend("x-2")));

        Answer replaced = put(a, friends(body("user_id", " x-3 ", "alias", "  Three "), friend("x-1"),
                body("user_id", "x-4", "alias", " ")));

        assertEquals(200, replaced.status(), replaced.text());
        JsonNode list = get(a, "/api/friends").json().path("friends");
        assertEquals(3, list.size());
        assertEquals("x-3", list.path(0).path("user_id").asText());
        assertEquals("Three", list.path(0).path("alias").asText());
        assertEquals("x-1", list.path(1).path("user_id").asText());
        assertFalse(list.path(2).has("alias"), "a blank alias is none");
        assertEquals(3, get(a, "/api/friends").json().path("devices").size());
        JsonNode record = LedgerLines.await(main, "replacement recorded", r -> "replace".equals(r.path("action").asText())
                && a.userId().equals(r.path("user").asText()) && r.path("count").asInt() == 3);
        assertFalse(record.toString().contains("x-3"), "who is listed stays out of the ledger");
    }

    @Test
    void aRequestByHandleAtThisDomainReachesTheUser() throws Exception {
        Person a = person();
        Person c = person();

        Answer created = post(a, "/api/friends/requests/" + encode(c.handle() + "@" + main.domain()), null);

        assertEquals(201, created.status(), created.text());
        assertEquals(c.userId(), created.json().path("request").path("to_user_id").asText());
        assertTrue(created.json().path("request").path("message").isNull());
    }

    // ---- error paths ----

    @Test
    void everyEndpointRefusesAMissingOrUnknownToken() throws Exception {
        String[][] calls = {{"GET", "/api/friends"}, {"PUT", "/api/friends"}, {"GET", "/api/friends/requests"},
            {"POST", "/api/friends/requests/someone"}, {"POST", "/api/friends/requests/someone/accept"},
            {"POST", "/api/friends/requests/someone/reject"}, {"GET", "/api/friends/someone/devices"},
            {"DELETE", "/api/friends/someone"}};
        for (String[] call : calls) {
            String body = call[0].equals("PUT") ? "{\"friends\":[]}" : null;
            assertProblem(RestCalls.call(main.connection, call[0], call[1], null, body), 401);
            assertProblem(RestCalls.call(main.connection, call[0], call[1], "ab".repeat(32), body), 401);
        }
    }

    @Test
    void aRequestToYourselfIsRefused() throws Exception {
        Person a = person();

        assertProblem(post(a, "/api/friends/requests/" + a.userId(), null), 400, "yourself");
        assertProblem(post(a, "/api/friends/requests/" + a.handle(), null), 400, "yourself");
    }

    @Test
    void aRequestToAnUnknownUserIsNotFound() throws Exception {
        Person a = person();

        assertProblem(post(a, "/api/friends/requests/no-such-user-" + nodes.runId, null), 404);
        assertProblem(post(a, "/api/friends/requests/" + encode("ghost@" + main.domain()), null), 404);
    }

    @Test
    void aRequestToAnotherDomainIsRefusedAsFederationIsNotSupported() throws Exception {
        Person a = person();

        assertProblem(post(a, "/api/friends/requests/" + encode("bob@elsewhere.example"), null), 400, "federate");
    }

    @Test
    void aSecondPendingRequestIsAConflict() throws Exception {
        Person a = person();
        Person c = person();
        request(a, c);

        assertProblem(request(a, c), 409, "already exists");
        assertEquals(1, get(c, "/api/friends/requests").json().path("incoming").size());
    }

    @Test
    void anOverlongOrNonTextMessageIsRefused() throws Exception {
        Person a = person();
        Person c = person();

        assertProblem(post(a, "/api/friends/requests/" + c.userId(), body("message", "m".repeat(1025))), 400, "message");
        assertProblem(post(a, "/api/friends/requests/" + c.userId(), body("message", 7)), 400, "message");
        assertEquals(0, get(c, "/api/friends/requests").json().path("incoming").size());
    }

    @Test
    void acceptingOrRejectingWithoutARequestIsNotFound() throws Exception {
        Person a = person();
        Person c = person();

        assertProblem(post(c, "/api/friends/requests/" + a.userId() + "/accept", null), 404);
        assertProblem(post(c, "/api/friends/requests/" + a.userId() + "/reject", null), 404);
        assertProblem(post(c, "/api/friends/requests/no-such-user/accept", null), 404);
    }

    @Test
    void acceptingASettledRequestIsABadRequest() throws Exception {
        Person a = person();
        Person c = person();
        befriend(a, c);

        assertProblem(post(c, "/api/friends/requests/" + a.userId() + "/accept", null), 400, "not pending");
        assertProblem(post(c, "/api/friends/requests/" + a.userId() + "/reject", null), 400, "not pending");
    }

    @Test
    void onlyTheAddresseeAcceptsARequest() throws Exception {
        Person a = person();
        Person c = person();
        request(a, c);

        // A accepting "a request from C" finds none: requests are accepted by whom they are for.
        assertProblem(post(a, "/api/friends/requests/" + c.userId() + "/accept", null), 404);
    }

    @Test
    void tooManyFriendsIsRefused() throws Exception {
        Person a = person();
        List<Object> entries = new ArrayList<>();
        for (int i = 0; i <= 512; i++) {
            entries.add(friend("f-" + i));
        }

        assertProblem(put(a, body("friends", entries)), 400, "at most 512");
        assertEquals(0, get(a, "/api/friends").json().path("friends").size());
    }

    @Test
    void aListNamingAFriendTwiceIsRefused() throws Exception {
        Person a = person();

        assertProblem(put(a, friends(friend("x"), friend("y"), friend(" x"))), 400, "friends[2].user_id repeats friends[0]");
    }

    @Test
    void malformedFriendEntriesAreRefusedNamingTheField() throws Exception {
        Person a = person();

        assertProblem(putText(a, "{}"), 400, "friends is required");
        assertProblem(putText(a, "{\"friends\":{}}"), 400, "friends must be an array");
        assertProblem(putText(a, "{\"friends\":[\"x\"]}"), 400, "friends[0] must be a JSON object");
        assertProblem(putText(a, "{\"friends\":[{\"handle\":\"x\"}]}"), 400, "friends[0].handle");
        assertProblem(putText(a, "{\"friends\":[{\"user_id\":\"x\",\"extra\":1}]}"), 400, "friends[0] may only");
        assertProblem(putText(a, "{\"friends\":[{\"alias\":\"x\"}]}"), 400, "friends[0].user_id is required");
        assertProblem(putText(a, "{\"friends\":[{\"user_id\":5}]}"), 400, "friends[0].user_id must be a string");
        assertProblem(putText(a, "{\"friends\":[{\"user_id\":\"  \"}]}"), 400, "friends[0].user_id must be a non-empty");
        assertProblem(putText(a, "{\"friends\":[{\"user_id\":\"" + "u".repeat(256) + "\"}]}"), 400, "friends[0].user_id must be at most");
        assertProblem(putText(a, "{\"friends\":[{\"user_id\":\"x\",\"alias\":3}]}"), 400, "friends[0].alias");
        assertProblem(putText(a, "{\"friends\":[{\"user_id\":\"x\",\"alias\":\"" + "a".repeat(257) + "\"}]}"), 400,
                "friends[0].alias must be at most");
    }

    @Test
    void badJsonIsRefused() throws Exception {
        Person a = person();

        assertProblem(putText(a, "{\"friends\":["), 400, "JSON");
        assertProblem(putText(a, "[]"), 400, "JSON object");
        assertProblem(RestCalls.call(main.connection, "PUT", "/api/friends", a.token(), null), 400, "required");
        assertProblem(RestCalls.call(main.connection, "POST", "/api/friends/requests/x", a.token(), "{"), 400, "JSON");
    }

    @Test
    void aBodyThatIsNotJsonIsUnsupported() throws Exception {
        Person a = person();
        Person c = person();
        Map<String, String> headers = Map.of("authorization", "Bearer " + a.token(), "content-type", "text/plain");
        byte[] json = "{\"friends\":[]}".getBytes(StandardCharsets.UTF_8);

        H2Response put = main.connection.request("PUT", "/api/friends", headers, json).get(15, TimeUnit.SECONDS);
        H2Response create = main.connection.request("POST", "/api/friends/requests/" + c.userId(), headers,
                "{\"message\":\"x\"}".getBytes(StandardCharsets.UTF_8)).get(15, TimeUnit.SECONDS);

        assertEquals(415, put.status());
        assertEquals(415, create.status());
        assertEquals(0, get(c, "/api/friends/requests").json().path("incoming").size());
    }

    @Test
    void aBadPercentEncodingIsABadRequest() throws Exception {
        Person a = person();

        assertProblem(get(a, "/api/friends/%ZZ/devices"), 400);
        assertProblem(post(a, "/api/friends/requests/%C3", null), 400);
        assertProblem(post(a, "/api/friends/requests/%C3%28/accept", null), 400);
        assertProblem(RestCalls.call(main.connection, "DELETE", "/api/friends/ab%2", a.token(), null), 400);
    }

    @Test
    void devicesOfSomeoneNotListedOrUnknownAreNotFound() throws Exception {
        Person a = person();
        Person c = person();

        assertProblem(get(a, "/api/friends/" + c.userId() + "/devices"), 404, "not in your friends list");
        assertProblem(get(a, "/api/friends/no-such-user/devices"), 404, "no such user");
        assertProblem(delete(a, c.userId()), 404);
    }

    @Test
    void anOverlongUserParameterIsABadRequest() throws Exception {
        Person a = person();

        assertProblem(get(a, "/api/friends/" + "u".repeat(300) + "/devices"), 400, "at most 255");
    }
}
