package io.commucat.ccp.server.storage.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.commucat.ccp.server.storage.StorageException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.exception.FlywayValidateException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SQL database (PostgreSQL or an embedded H2 file) with its connection pool and migrated
 * schema, and the JDBC adapters on it. Thread-safe. {@link #open} blocks while it connects and
 * migrates; {@link #close} closes the pool (and so the H2 file).
 */
public final class JdbcStore implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcStore.class);

    /** How long a caller waits for a pooled connection before the port reports UNAVAILABLE. */
    private static final long CONNECTION_TIMEOUT_MS = 5_000;
    /**
     * PostgreSQL only: how long a statement waits for the server's next bytes before its
     * connection is dropped and the call fails UNAVAILABLE. Without it a database that vanishes
     * without a reset (packets dropped, a frozen host) holds a storage thread forever and the node
     * stalls. Longer than any statement the node runs (group commits, purges); a DSN that sets
     * {@code socketTimeout} itself wins.
     */
    static final int SOCKET_TIMEOUT_SECONDS = 10;
    /** PostgreSQL only: how long opening a connection may take (TCP connect and startup). */
    private static final int CONNECT_TIMEOUT_SECONDS = 5;

    private static final String MIGRATIONS = "db/migration/";

    private final HikariDataSource dataSource;
    private final JdbcDirectory directory;
    private final JdbcSessions sessions;
    private final JdbcSecrets secrets;
    private final JdbcChannels channels;
    private final JdbcInbox inbox;
    private final JdbcGroups groups;
    private final JdbcContacts contacts;
    private final JdbcPairingCodes pairingCodes;

    private JdbcStore(HikariDataSource dataSource, JdbcSettings.Vendor vendor, Clock clock) {
        this.dataSource = dataSource;
        Jdbc jdbc = new Jdbc(dataSource);
        this.directory = new JdbcDirectory(jdbc, vendor);
        this.sessions = new JdbcSessions(jdbc, vendor);
        this.secrets = new JdbcSecrets(jdbc, clock);
        this.channels = new JdbcChannels(jdbc);
        this.inbox = new JdbcInbox(jdbc,
                vendor == JdbcSettings.Vendor.POSTGRESQL ? new ArrayInboxRows() : new BatchedInboxRows());
        this.groups = new JdbcGroups(jdbc);
        this.contacts = new JdbcContacts(jdbc);
        this.pairingCodes = new JdbcPairingCodes(jdbc);
    }

    /** Connects, migrates the schema to the newest version, and returns the open store. */
    public static JdbcStore open(JdbcSettings settings) throws StorageException {
        return open(settings, Clock.systemUTC());
    }

    /** As {@link #open(JdbcSettings)}, with the clock that stamps rows the ports do not date. */
    public static JdbcStore open(JdbcSettings settings, Clock clock) throws StorageException {
        HikariDataSource pool = createPool(settings);
        try {
            migrate(pool, settings);
        } catch (StorageException | RuntimeException e) {
            pool.close();
            throw e;
        }
        LOG.info("storage: {} database ready ({})", settings.vendor().folder(), settings);
        return new JdbcStore(pool, settings.vendor(), clock);
    }

    public JdbcDirectory directory() {
        return directory;
    }

    public JdbcSessions sessions() {
        return sessions;
    }

    public JdbcSecrets secrets() {
        return secrets;
    }

    public JdbcChannels channels() {
        return channels;
    }

    public JdbcInbox inbox() {
        return inbox;
    }

    public JdbcGroups groups() {
        return groups;
    }

    public JdbcContacts contacts() {
        return contacts;
    }

    public JdbcPairingCodes pairingCodes() {
        return pairingCodes;
    }

    /**
     * The pool, for the JDBC adapters of other ports (pairing, channels, inbox) that share this
     * database. Callers must not close it.
     */
    public DataSource dataSource() {
        return dataSource;
    }

    /** Whether the database answers within two seconds (for {@code /readyz}). Blocking. */
    public boolean ping() {
        try (var connection = dataSource.getConnection()) {
            return connection.isValid(2);
        } catch (java.sql.SQLException e) {
            return false;
        }
    }

    /** Closes every pooled connection; the adapters fail with UNAVAILABLE afterwards. */
    @Override
    public void close() {
        dataSource.close();
    }

    private static HikariDataSource createPool(JdbcSettings settings) throws StorageException {
        HikariConfig config = new HikariConfig();
        config.setPoolName("ccp-" + settings.vendor().folder());
        config.setJdbcUrl(settings.jdbcUrl());
        config.setUsername(settings.username());
        config.setPassword(settings.password());
        if (settings.schema() != null) {
            config.setSchema(settings.schema());
        }
        config.setMaximumPoolSize(settings.maxPoolSize());
        config.setConnectionTimeout(CONNECTION_TIMEOUT_MS);
        if (settings.vendor() == JdbcSettings.Vendor.POSTGRESQL) {
            // The URL's own parameters override these (pgjdbc reads the URL last).
            config.addDataSourceProperty("socketTimeout", String.valueOf(SOCKET_TIMEOUT_SECONDS));
            config.addDataSourceProperty("connectTimeout", String.valueOf(CONNECT_TIMEOUT_SECONDS));
            config.addDataSourceProperty("loginTimeout", String.valueOf(CONNECT_TIMEOUT_SECONDS));
        }
        try {
            return new HikariDataSource(config);
        } catch (RuntimeException e) {
            // Hikari throws PoolInitializationException when the first connection fails.
            throw new StorageException(StorageException.Kind.UNAVAILABLE,
                    "cannot connect to the " + settings.vendor().folder() + " database", e);
        }
    }

    private static void migrate(DataSource dataSource, JdbcSettings settings) throws StorageException {
        List<String> locations = new ArrayList<>(List.of("classpath:" + MIGRATIONS + "common"));
        String vendorFolder = MIGRATIONS + settings.vendor().folder();
        if (JdbcStore.class.getClassLoader().getResource(vendorFolder) != null) {
            locations.add("classpath:" + vendorFolder);
        }
        FluentConfiguration flyway = Flyway.configure(JdbcStore.class.getClassLoader())
                .dataSource(dataSource)
                .locations(locations.toArray(String[]::new));
        if (settings.schema() != null) {
            flyway.schemas(settings.schema()).defaultSchema(settings.schema()).createSchemas(true);
        }
        try {
            flyway.load().migrate();
        } catch (FlywayValidateException e) {
            throw new StorageException(StorageException.Kind.CORRUPT,
                    "the database schema does not match the migrations", e);
        } catch (FlywayException e) {
            throw new StorageException(StorageException.Kind.UNAVAILABLE, "schema migration failed", e);
        }
    }
}
