package io.commucat.ccp.ledger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CanonicalFormTest {

    private static SealedRecord sealFirst(LedgerEvent event) {
        return new Chain(ChainHead.GENESIS).seal(event, Ledgers.T0.plusMillis(7));
    }

    @Test
    void recordIsCompactWithKeysSortedAtEveryDepthAndFixedTimestamp() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("zone", "ü€");
        fields.put("device_known", true);
        fields.put("attempts", 3);
        fields.put("noise", Map.of("b", 1, "a", List.of("x", "y")));
        fields.put("user", null);
        String line = new String(sealFirst(LedgerEvent.result("handshake", "failure", fields)).line(), StandardCharsets.UTF_8);
        String withoutHash = "{\"attempts\":3,\"device_known\":true,\"noise\":{\"a\":[\"x\",\"y\"],\"b\":1},"
                + "\"prev\":\"" + "0".repeat(64) + "\",\"recorded_at\":\"2026-11-24T10:00:00.007Z\","
                + "\"result\":\"failure\",\"scope\":\"handshake\",\"seq\":1,\"user\":null,\"zone\":\"ü€\"}";
        String hash = sha256Hex(withoutHash);
        String expected = withoutHash.replace("\"noise\":", "\"hash\":\"" + hash + "\",\"noise\":") + "\n";
        assertEquals(expected, line);
    }

    @Test
    void hashIsSha256OfTheRecordWithoutHashSoStandardToolsCanCheckIt() throws Exception {
        SealedRecord record = sealFirst(LedgerEvent.action("admin", "revoke", Map.of("device", "d1")));
        com.fasterxml.jackson.databind.node.ObjectNode node =
                (com.fasterxml.jackson.databind.node.ObjectNode) CanonicalJson.parse(Ledgers.lineWithoutNewline(record));
        node.remove("hash");
        assertEquals(sha256Hex(new String(CanonicalJson.bytes(node), StandardCharsets.UTF_8)), record.hash());
    }

    @Test
    void parsingAndWritingARecordGivesTheSameBytes() throws Exception {
        byte[] line = Ledgers.lineWithoutNewline(sealFirst(Ledgers.event(4)));
        assertArrayEquals(line, CanonicalJson.bytes(CanonicalJson.parse(line)));
    }

    @Test
    void controlCharactersAndQuotesAreEscapedTheJacksonWay() {
        String line = new String(sealFirst(LedgerEvent.action("admin", "note", Map.of("detail", "a\"b\\c\nd\u0001/"))).line(),
                StandardCharsets.UTF_8);
        assertEquals(true, line.contains("\"detail\":\"a\\\"b\\\\c\\nd\\u0001/\""), line);
    }

    private static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
