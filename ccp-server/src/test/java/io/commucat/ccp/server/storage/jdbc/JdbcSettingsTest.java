package io.commucat.ccp.server.storage.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Reading {@code postgres_dsn} and embedded database locations. */
class JdbcSettingsTest {

    @Test
    void libpqUriBecomesJdbcUrlWithCredentials() {
        JdbcSettings settings =
                JdbcSettings.fromDsn("postgres://ccp:s3cr%40t+x@db.example:6432/commucat?sslmode=require");

        assertEquals("jdbc:postgresql://db.example:6432/commucat?sslmode=require", settings.jdbcUrl());
        assertEquals("ccp", settings.username());
        assertEquals("s3cr@t+x", settings.password());
        assertEquals(JdbcSettings.Vendor.POSTGRESQL, settings.vendor());
    }

    @Test
    void jdbcUrlIsUsedAsGiven() {
        JdbcSettings settings = JdbcSettings.fromDsn("jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");

        assertEquals("jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres", settings.jdbcUrl());
        assertNull(settings.username());
    }

    @Test
    void plainPathIsAnH2FileInPostgresMode() {
        JdbcSettings settings = JdbcSettings.fromDsn("/var/lib/ccp/ccp");

        assertEquals(JdbcSettings.Vendor.H2, settings.vendor());
        assertTrue(settings.jdbcUrl().startsWith("jdbc:h2:file:" + Path.of("/var/lib/ccp/ccp") + ";MODE=PostgreSQL"));
    }

    @Test
    void passwordIsNeverShown() {
        String shown = JdbcSettings.fromDsn("postgres://ccp:hunter2@db/commucat").toString()
                + JdbcSettings.fromDsn("jdbc:postgresql://db/commucat?user=ccp&password=hunter2").toString();

        assertFalse(shown.contains("hunter2"), shown);
    }

    @Test
    void unsupportedUrlIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> JdbcSettings.fromDsn("jdbc:mysql://db/commucat"));
    }

    @Test
    void schemaMustBeAPlainIdentifier() {
        JdbcSettings settings = JdbcSettings.fromDsn("postgres://db/commucat");

        assertThrows(IllegalArgumentException.class, () -> settings.withSchema("x; DROP TABLE users"));
    }
}
