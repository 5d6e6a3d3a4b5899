package io.commucat.ccp.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class RedactionTest {

    @Test
    void hidesUrlPasswords() {
        assertEquals("postgres://ccp:***@db/ccp", Redaction.url("postgres://ccp:pw@db/ccp"));
        assertEquals("redis://:***@cache:6379", Redaction.url("redis://:pw@cache:6379"));
        assertEquals("jdbc:postgresql://db/ccp?user=u&password=***", Redaction.url("jdbc:postgresql://db/ccp?user=u&password=pw"));
    }

    @Test
    void printedConfigRecordsHideSecrets() {
        String text = new ServerConfig.Storage(Optional.of("postgres://u:hunter2@h/d"), Optional.empty()).toString()
                + new ServerConfig.Admin(Optional.of("hunter2hunter2hunter2")).toString()
                + SecretBytes.parseHex32("00".repeat(32)).toString();
        assertFalse(text.contains("hunter2"), text);
        assertFalse(text.contains("0000"), text);
    }
}
