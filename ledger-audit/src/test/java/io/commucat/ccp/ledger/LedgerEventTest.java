package io.commucat.ccp.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LedgerEventTest {

    @Test
    void secretLookingFieldNamesAreRefused() {
        for (String name : List.of("token", "session_token", "admin_secret", "password", "private_key", "noise_seed")) {
            assertThrows(IllegalArgumentException.class, () -> LedgerEvent.action("admin", "x", Map.of(name, "v")), name);
        }
    }

    @Test
    void secretLookingNamesAreRefusedInNestedMapsToo() {
        assertThrows(IllegalArgumentException.class,
                () -> LedgerEvent.action("admin", "x", Map.of("device", Map.of("private_key", "v"))));
    }

    @Test
    void bytesAndFloatingPointAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> LedgerEvent.action("admin", "x", Map.of("key", new byte[32])));
        assertThrows(IllegalArgumentException.class, () -> LedgerEvent.action("admin", "x", Map.of("ratio", 0.5)));
    }

    @Test
    void theRecordsOwnNamesAreReserved() {
        assertThrows(IllegalArgumentException.class, () -> LedgerEvent.action("admin", "x", Map.of("seq", 1)));
        assertThrows(IllegalArgumentException.class, () -> LedgerEvent.action("admin", "x", Map.of("hash", "h")));
    }

    @Test
    void anEventNeedsAnActionOrAResult() {
        assertThrows(IllegalArgumentException.class, () -> new LedgerEvent("admin", null, null, Map.of()));
    }

    @Test
    void fieldsAreCopiedAndImmutable() {
        Map<String, Object> fields = new HashMap<>();
        fields.put("device", "d1");
        LedgerEvent event = LedgerEvent.result("handshake", "success", fields);
        fields.put("device", "d2");
        assertEquals("d1", event.fields().get("device"));
        assertThrows(UnsupportedOperationException.class, () -> event.fields().put("user", "u"));
    }

    @Test
    void integersOfAnyWidthBecomeLongs() {
        assertEquals(7L, LedgerEvent.action("admin", "x", Map.of("n", 7)).fields().get("n"));
    }
}
