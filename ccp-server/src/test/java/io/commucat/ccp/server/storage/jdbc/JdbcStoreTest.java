package io.commucat.ccp.server.storage.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.server.storage.StorageException;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opening, probing and closing the store, and what failures look like to callers. */
class JdbcStoreTest {

    @TempDir
    Path dataDir;

    @Test
    void openStoreAnswersPing() throws Exception {
        try (JdbcStore store = JdbcStore.open(JdbcSettings.h2File(dataDir.resolve("ccp")))) {
            assertTrue(store.ping());
        }
    }

    @Test
    void closedStoreIsUnavailable() throws Exception {
        JdbcStore store = JdbcStore.open(JdbcSettings.h2File(dataDir.resolve("ccp")));
        store.close();

        assertFalse(store.ping());
        StorageException e = assertThrows(StorageException.class, () -> store.directory().findUser("user-1"));
        assertEquals(StorageException.Kind.UNAVAILABLE, e.kind());
    }

    @Test
    void unreachableServerIsUnavailable() {
        // Port 9 (discard) is closed on development and CI machines: the connection is refused.
        JdbcSettings nowhere = JdbcSettings.fromDsn("jdbc:postgresql://127.0.0.1:9/postgres?user=postgres"
                + "&connectTimeout=2");

        StorageException e = assertThrows(StorageException.class, () -> JdbcStore.open(nowhere));
        assertEquals(StorageException.Kind.UNAVAILABLE, e.kind());
    }

    @Test
    void reopeningMigratedDatabaseKeepsItsSchema() throws Exception {
        JdbcSettings settings = JdbcSettings.h2File(dataDir.resolve("ccp"));
        JdbcStore.open(settings).close();

        try (JdbcStore store = JdbcStore.open(settings)) {
            assertEquals(0, store.directory().countActiveDevices("nobody"));
        }
    }

    @Test
    void postgresSchemaIsCreatedAndMigrated() throws Exception {
        JdbcSettings settings = JdbcStoreExtension.postgresSettings()
                .withSchema("ccp_test_open_" + ProcessHandle.current().pid());
        JdbcStore store = JdbcStore.open(settings);
        try {
            assertEquals(0, store.sessions().purgeExpired(Instant.EPOCH));
        } finally {
            store.close();
            JdbcStoreExtension.dropSchema(settings);
        }
    }
}
