package io.commucat.ccp.server.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.commucat.ccp.ledger.LedgerEvent;
import io.commucat.ccp.ledger.LedgerVerifier;
import io.commucat.ccp.server.config.LedgerMode;
import io.commucat.ccp.server.config.ServerConfig;
import io.commucat.ccp.server.connect.HandshakeReport;
import io.commucat.ccp.server.connect.SessionEnd;
import io.commucat.ccp.server.handshake.SessionTokens;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T = Instant.parse("2026-11-24T10:15:30Z");

    @TempDir
    Path dir;

    private ServerConfig.Ledger fileLedger() {
        return new ServerConfig.Ledger(LedgerMode.FILE, Optional.of(dir.resolve("ledger.jsonl")));
    }

    private List<JsonNode> records() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("ledger-000001.jsonl"))) {
            out.add(JSON.readTree(line));
        }
        return out;
    }

    private static Set<String> names(JsonNode record) {
        Set<String> names = new java.util.TreeSet<>();
        for (Iterator<String> it = record.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    private static final Set<String> RECORD = Set.of("seq", "recorded_at", "scope", "prev", "hash");

    private static Set<String> fields(JsonNode record) {
        Set<String> names = names(record);
        names.removeAll(RECORD);
        return names;
    }

    @Test
    void everyEventHasItsFieldsInTheConfiguredFile() throws Exception {
        String token = "ab".repeat(32);
        HandshakeReport failed = new HandshakeReport("198.51.100.23:51234", "hello", "dev-1", "u-1", true, 3, 1, "XK", null);
        HandshakeReport ok = new HandshakeReport("198.51.100.23:51235", "established", "dev-1", "u-1", false, 3, 1, "IK",
                SessionTokens.sessionId(token));
        try (Audit audit = AuditLedgers.open(fileLedger())) {
            audit.serverStarted("1.2.3", "node-a", "0".repeat(64));
            audit.handshakeFailed(failed, "handshake", "device key mismatch");
            audit.deviceRegistered("dev-1", "u-1", "hello", "198.51.100.23:51235");
            audit.certificateIssued("dev-1", "u-1", "18446744073709551615", T, T.plusSeconds(60));
            audit.handshakeSucceeded(ok);
            audit.sessionReplaced(ok, "0123456789abcdef");
            audit.sessionEnded(ok, SessionEnd.DECRYPTION_FAILURE);
            audit.noiseKeyRotated(4, T, T.plusSeconds(10), T.plusSeconds(20));
            audit.serverStopped("1.2.3", "node-a", "0".repeat(64)).get();
        }
        assertTrue(new LedgerVerifier().verifyDirectory(dir, "ledger").ok());
        assertTrue(Files.exists(dir.resolve("ledger.lock")));
        List<JsonNode> r = records();
        assertEquals(9, r.size());

        assertEquals(Set.of("action", "version", "node_id", "config_sha256"), fields(r.get(0)));
        assertEquals("server/start", r.get(0).path("scope").asText() + "/" + r.get(0).path("action").asText());

        JsonNode failure = r.get(1);
        assertEquals(Set.of("result", "reason", "stage", "remote_addr", "device", "user", "device_known",
                "noise_key_version", "protocol_version", "pattern", "session", "detail"), fields(failure));
        assertEquals("failure", failure.path("result").asText());
        assertEquals("device key mismatch", failure.path("detail").asText());
        assertTrue(failure.path("device_known").asBoolean());
        assertTrue(failure.path("session").isNull());

        assertEquals(Set.of("action", "device", "user", "via", "remote_addr"), fields(r.get(2)));
        JsonNode cert = r.get(3);
        assertEquals("certificate", cert.path("action").asText());
        assertEquals("18446744073709551615", cert.path("serial").asText());
        assertEquals("2026-11-24T10:15:30Z", cert.path("issued_at").asText());
        assertEquals("2026-11-24T10:16:30Z", cert.path("expires_at").asText());

        JsonNode success = r.get(4);
        assertEquals("success", success.path("result").asText());
        assertEquals(SessionTokens.hash(token).substring(0, 16), success.path("session").asText());
        assertFalse(Files.readString(dir.resolve("ledger-000001.jsonl")).contains(token), "never the token");

        assertEquals("0123456789abcdef", r.get(5).path("previous_session").asText());
        assertEquals("decryption-failure", r.get(6).path("reason").asText());
        assertEquals("session", r.get(6).path("scope").asText());
        assertEquals(Set.of("action", "version", "valid_after", "rotates_at", "expires_at"), fields(r.get(7)));
        assertEquals("noise_key", r.get(7).path("scope").asText());
        assertEquals("stop", r.get(8).path("action").asText());
    }

    @Test
    void aRestartContinuesTheChain() throws Exception {
        try (Audit audit = AuditLedgers.open(fileLedger())) {
            audit.serverStarted("1", "n", "d");
        }
        try (Audit audit = AuditLedgers.open(fileLedger())) {
            audit.serverStarted("1", "n", "d");
        }
        assertEquals(2, records().size());
        assertTrue(new LedgerVerifier().verifyDirectory(dir, "ledger").ok());
    }

    @Test
    void aRefusedEventFailsItsFutureAndIsNeverThrown() throws Exception {
        try (Audit audit = AuditLedgers.open(fileLedger())) {
            ExecutionException refused = assertThrows(ExecutionException.class,
                    () -> audit.action("device", "register", Map.of("device_private_key", "00")).get());
            assertInstanceOf(IllegalArgumentException.class, refused.getCause());
            assertEquals(1, audit.action("pairing", "claim", Map.of("code_id", "c-1")).get().seq());
        }
    }

    @Test
    void secretLookingFieldNamesAreRefusedByTheLedger() {
        for (String name : List.of("session_token", "secrets_key", "private_key", "ca_seed")) {
            assertThrows(IllegalArgumentException.class, () -> LedgerEvent.action("device", "register", Map.of(name, "x")));
        }
    }

    @Test
    void theTargetNamesTheDirectoryAndPrefixOfTheRotatedFiles() {
        ServerConfig.Ledger ledger = new ServerConfig.Ledger(LedgerMode.FILE, Optional.of(Path.of("/srv/ccp/audit.jsonl")));
        assertEquals(Path.of("/srv/ccp"), ledger.directory());
        assertEquals("audit", ledger.prefix());
        assertEquals("audit.log", new ServerConfig.Ledger(LedgerMode.FILE, Optional.of(Path.of("/x/audit.log"))).prefix());
    }

    @Test
    void theNullModeWritesNoFile() throws Exception {
        try (Audit audit = AuditLedgers.open(new ServerConfig.Ledger(LedgerMode.NULL, Optional.empty()))) {
            assertEquals(1, audit.serverStarted("1", "n", "d").get().seq());
        }
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void contactsEventsCarryUserIdsOnly() throws Exception {
        try (Audit audit = AuditLedgers.open(fileLedger())) {
            audit.friendsReplaced("u-a", 3);
            audit.friendRequestCreated("u-a", "u-c");
            audit.friendRequestAccepted("u-a", "u-c");
            audit.friendRequestRejected("u-b", "u-c");
            audit.friendDeleted("u-c", "u-a").get();
        }
        List<JsonNode> r = records();
        assertEquals(5, r.size());
        for (JsonNode record : r) {
            assertEquals("contacts", record.path("scope").asText());
        }
        assertEquals(Set.of("action", "user", "count"), fields(r.get(0)));
        assertEquals("replace", r.get(0).path("action").asText());
        assertEquals(3, r.get(0).path("count").asInt());
        assertEquals(Set.of("action", "from", "to"), fields(r.get(1)));
        assertEquals(List.of("request", "accept", "reject"),
                List.of(r.get(1).path("action").asText(), r.get(2).path("action").asText(), r.get(3).path("action").asText()));
        assertEquals("u-b", r.get(3).path("from").asText());
        assertEquals(Set.of("action", "user", "friend"), fields(r.get(4)));
        assertEquals("delete", r.get(4).path("action").asText());
    }
}
