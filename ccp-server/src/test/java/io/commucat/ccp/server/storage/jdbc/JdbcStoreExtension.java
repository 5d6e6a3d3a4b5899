package io.commucat.ccp.server.storage.jdbc;

import io.commucat.ccp.server.storage.StorageException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives a test class its own migrated database: a fresh schema in the real PostgreSQL server
 * (dropped afterwards), or an H2 file in the class's temporary directory. Rows are deleted
 * after each test so every test starts from empty tables.
 *
 * <p>PostgreSQL is {@code 127.0.0.1:5432}, user and database {@code postgres}, unless
 * {@code CCP_TEST_POSTGRES_URL} says otherwise. An unreachable server fails the tests; it never
 * skips them.
 */
public final class JdbcStoreExtension implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

    static final String POSTGRES_URL_ENV = "CCP_TEST_POSTGRES_URL";
    static final String DEFAULT_POSTGRES_URL = "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres";

    /** Children before parents, so foreign keys never object. */
    private static final List<String> TABLES = List.of("pairing_codes", "friends", "friend_requests", "group_members",
            "chat_groups", "inbox", "inbox_usage", "channel_members", "channels", "device_key_events", "devices", "users",
            "certificates", "sessions", "noise_keys", "device_ca");

    private final Supplier<JdbcSettings> settings;
    private final boolean ownSchema;
    private JdbcSettings opened;
    private JdbcStore store;

    private JdbcStoreExtension(Supplier<JdbcSettings> settings, boolean ownSchema) {
        this.settings = settings;
        this.ownSchema = ownSchema;
    }

    /** A fresh schema in the test PostgreSQL server. */
    public static JdbcStoreExtension postgres() {
        return new JdbcStoreExtension(() -> postgresSettings()
                .withSchema("ccp_test_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong())), true);
    }

    /** An H2 file under {@code directory}, read when the class starts (after @TempDir is set). */
    public static JdbcStoreExtension h2(Supplier<Path> directory) {
        return new JdbcStoreExtension(() -> JdbcSettings.h2File(directory.get().resolve("ccp")), false);
    }

    static JdbcSettings postgresSettings() {
        String url = System.getenv(POSTGRES_URL_ENV);
        return JdbcSettings.fromDsn(url == null || url.isBlank() ? DEFAULT_POSTGRES_URL : url);
    }

    public JdbcStore store() {
        return store;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        opened = settings.get();
        try {
            store = JdbcStore.open(opened);
        } catch (StorageException e) {
            throw new AssertionError("Cannot open the test database " + opened + " (" + e.getMessage() + "). "
                    + (ownSchema ? "Start PostgreSQL on 127.0.0.1:5432 (trust auth, user postgres) or set "
                            + POSTGRES_URL_ENV + "." : ""), e);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws SQLException {
        try (Connection connection = store.dataSource().getConnection();
                Statement statement = connection.createStatement()) {
            for (String table : TABLES) {
                statement.executeUpdate("DELETE FROM " + table);
            }
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws SQLException {
        if (store == null) {
            return;
        }
        store.close();
        if (ownSchema) {
            dropSchema(opened);
        }
    }

    static void dropSchema(JdbcSettings used) throws SQLException {
        Properties credentials = new Properties();
        if (used.username() != null) {
            credentials.setProperty("user", used.username());
        }
        if (used.password() != null) {
            credentials.setProperty("password", used.password());
        }
        try (Connection connection = DriverManager.getConnection(used.jdbcUrl(), credentials);
                Statement statement = connection.createStatement()) {
            // The name is ours (ccp_test_ + hex), validated by JdbcSettings: safe to inline.
            statement.execute("DROP SCHEMA IF EXISTS " + used.schema() + " CASCADE");
        }
    }
}
