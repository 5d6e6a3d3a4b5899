package io.commucat.ccp.server.storage.jdbc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.server.storage.NoiseKeyRecord;
import io.commucat.ccp.server.storage.SecretsContract;
import io.commucat.ccp.server.storage.User;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded default keeps its data in a file that outlives the store. */
class H2PersistenceTest {

    @TempDir
    Path dataDir;

    @Test
    void dataSurvivesCloseAndReopen() throws Exception {
        JdbcSettings settings = JdbcSettings.h2File(dataDir.resolve("ccp"));
        User user = new User("user-1", "alice", "Alice", null, Instant.parse("2026-03-01T10:15:30.123456Z"));
        NoiseKeyRecord key = SecretsContract.noiseKey(1);
        byte[] caKey = "sealed-ca".getBytes(StandardCharsets.UTF_8);
        long serial;
        try (JdbcStore store = JdbcStore.open(settings)) {
            store.directory().createUser(user);
            store.secrets().addNoiseKey(key);
            store.secrets().deviceCaKeyOrStore(caKey);
            serial = store.directory().nextCertificateSerial();
        }
        assertTrue(Files.exists(dataDir.resolve("ccp.mv.db")));

        try (JdbcStore reopened = JdbcStore.open(settings)) {
            assertEquals(Optional.of(user), reopened.directory().findUser("user-1"));
            assertEquals(List.of(key), reopened.secrets().noiseKeys());
            assertArrayEquals(caKey, reopened.secrets().deviceCaKey().orElseThrow());
            assertTrue(Long.compareUnsigned(reopened.directory().nextCertificateSerial(), serial) > 0);
        }
    }
}
