package io.commucat.ccp.server.storage.jdbc;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * Where the SQL database is and how to pool connections to it. Immutable.
 *
 * @param jdbcUrl a {@code jdbc:postgresql:} or {@code jdbc:h2:} URL
 * @param username null when the URL carries it (or none is needed)
 * @param password null when the URL carries it (or none is needed)
 * @param schema the schema to migrate and use; null for the connection's default
 * @param maxPoolSize upper bound of pooled connections
 */
public record JdbcSettings(String jdbcUrl, String username, String password, String schema, int maxPoolSize) {

    /** Enough for the bounded storage executor; the database sees at most this many sessions. */
    public static final int DEFAULT_POOL_SIZE = 10;

    /**
     * H2 options for the embedded database: PostgreSQL mode so the schema and statements are
     * the same as in production; a lock wait long enough for the registration lock under load;
     * no JVM shutdown hook, so the database closes when the store does and not before the
     * server has finished its own shutdown.
     */
    private static final String H2_OPTIONS = ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH"
            + ";LOCK_TIMEOUT=10000;DB_CLOSE_ON_EXIT=FALSE";

    /** The SQL dialect family; selects the per-vendor migration folder. */
    public enum Vendor {
        POSTGRESQL,
        H2;

        /** Folder name under {@code db/migration/}. */
        public String folder() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public JdbcSettings {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        if (maxPoolSize < 1) {
            throw new IllegalArgumentException("maxPoolSize must be positive: " + maxPoolSize);
        }
        vendorOf(jdbcUrl); // fail early on an unsupported URL
        if (schema != null && !schema.matches("[A-Za-z_][A-Za-z0-9_]{0,62}")) {
            // Flyway and the pool quote it, but a plain identifier keeps every tool happy.
            throw new IllegalArgumentException("schema must be a plain SQL identifier");
        }
    }

    /**
     * Reads {@code [storage] postgres_dsn} or an embedded database location: a libpq-style URI
     * ({@code postgres://user:password@host:5432/db?sslmode=require}), a
     * {@code jdbc:postgresql:} or {@code jdbc:h2:} URL (used as given), or else a file path for
     * an embedded H2 database (see {@link #h2File}).
     */
    public static JdbcSettings fromDsn(String dsn) {
        Objects.requireNonNull(dsn, "dsn");
        String trimmed = dsn.strip();
        if (trimmed.startsWith("postgres://") || trimmed.startsWith("postgresql://")) {
            return fromLibpqUri(trimmed);
        }
        if (trimmed.startsWith("jdbc:")) {
            return new JdbcSettings(trimmed, null, null, null, DEFAULT_POOL_SIZE);
        }
        return h2File(Path.of(trimmed));
    }

    /**
     * An embedded H2 database kept in {@code file} ({@code .mv.db} is appended by H2), for
     * example {@code <data dir>/ccp}. Persistent: it survives restarts.
     */
    public static JdbcSettings h2File(Path file) {
        String path = file.toAbsolutePath().normalize().toString();
        if (path.contains(";")) {
            throw new IllegalArgumentException("an H2 file path must not contain ';'");
        }
        return new JdbcSettings("jdbc:h2:file:" + path + H2_OPTIONS, null, null, null, DEFAULT_POOL_SIZE);
    }

    public JdbcSettings withSchema(String newSchema) {
        return new JdbcSettings(jdbcUrl, username, password, newSchema, maxPoolSize);
    }

    public JdbcSettings withMaxPoolSize(int size) {
        return new JdbcSettings(jdbcUrl, username, password, schema, size);
    }

    public Vendor vendor() {
        return vendorOf(jdbcUrl);
    }

    /** Never shows the password. */
    @Override
    public String toString() {
        return "JdbcSettings[jdbcUrl=" + redactUrl(jdbcUrl) + ", username=" + username + ", schema=" + schema
                + ", maxPoolSize=" + maxPoolSize + "]";
    }

    private static Vendor vendorOf(String url) {
        if (url.startsWith("jdbc:postgresql:")) {
            return Vendor.POSTGRESQL;
        }
        if (url.startsWith("jdbc:h2:")) {
            return Vendor.H2;
        }
        throw new IllegalArgumentException("unsupported JDBC URL (want jdbc:postgresql: or jdbc:h2:): "
                + redactUrl(url));
    }

    private static JdbcSettings fromLibpqUri(String dsn) {
        URI uri = URI.create(dsn);
        String user = null;
        String password = null;
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
        }
        StringBuilder url = new StringBuilder("jdbc:postgresql://").append(uri.getHost() == null ? "" : uri.getHost());
        if (uri.getPort() >= 0) {
            url.append(':').append(uri.getPort());
        }
        url.append(uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath());
        if (uri.getRawQuery() != null) {
            url.append('?').append(uri.getRawQuery());
        }
        return new JdbcSettings(url.toString(), user, password, null, DEFAULT_POOL_SIZE);
    }

    /** Percent-decoding only: in a URI's user info '+' is a plus, not a space. */
    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** Hides a {@code password=} parameter a JDBC URL may carry. */
    private static String redactUrl(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }
}
