package io.commucat.ccp.server.e2e;

import io.commucat.ccp.server.storage.redis.PrivateRedis;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.commucat.ccp.server.node.CcpNode;
import io.commucat.ccp.server.storage.redis.RedisPresence;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The production storage: the real PostgreSQL at {@code 127.0.0.1:5432} (or {@code
 * CCP_TEST_POSTGRES_URL}) in a fresh schema {@code ccp_e2e_<random>}, dropped at the end, and the
 * real Redis at {@code 127.0.0.1:6379} (or {@code CCP_TEST_REDIS_URL}). Nodes write Redis under
 * the fixed prefix {@code ccp:} (not configurable), so the class deletes exactly the keys of its
 * own devices, whose ids all start with the run id. Either service down fails the class.
 */
final class PostgresRedisBackend implements Backend {

    private static final String DEFAULT_POSTGRES = "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres";
    private static final String DEFAULT_REDIS = "redis://127.0.0.1:6379";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final String schema;
    private final String dsn;
    private final String redisUrl;
    private final String runId;
    private final String secretsKey;
    private final JedisPooled redis;

    PostgresRedisBackend(String runId) {
        this(runId, env("CCP_TEST_REDIS_URL", DEFAULT_REDIS));
    }

    /** With a Redis of the test's own ({@link PrivateRedis}) instead of the shared one. */
    PostgresRedisBackend(String runId, String redisUrl) {
        this.runId = runId;
        SecureRandom random = new SecureRandom();
        this.baseUrl = env("CCP_TEST_POSTGRES_URL", DEFAULT_POSTGRES);
        this.schema = "ccp_e2e_" + HexFormat.of().toHexDigits(random.nextLong());
        this.dsn = baseUrl + (baseUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        this.redisUrl = redisUrl;
        byte[] key = new byte[32];
        random.nextBytes(key);
        this.secretsKey = HexFormat.of().formatHex(key);
        try (Connection c = DriverManager.getConnection(baseUrl); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            fail("PostgreSQL is not reachable at " + baseUrl + " (" + e.getMessage()
                    + "): start it on 127.0.0.1:5432 (trust auth, user postgres) or set CCP_TEST_POSTGRES_URL.", e);
        }
        this.redis = new JedisPooled(URI.create(redisUrl), 2_000);
        try {
            redis.ping();
        } catch (RuntimeException e) {
            dropSchema();
            fail("Redis is not reachable at " + redisUrl + ": start it on 127.0.0.1:6379 or set CCP_TEST_REDIS_URL.", e);
        }
    }

    @Override
    public String name() {
        return "postgres+redis";
    }

    @Override
    public Map<String, String> environment() {
        return Map.of("CCP_STORAGE_POSTGRES_DSN", dsn, "CCP_STORAGE_REDIS_URL", redisUrl,
                "CCP_CRYPTO_SECRETS_KEY", secretsKey);
    }

    @Override
    public StoredState state(CcpNode node, Path embeddedDatabase) {
        return new StoredState(() -> DriverManager.getConnection(dsn), new StoredState.PresenceReader() {
            @Override
            public Optional<String> state(String deviceId) throws Exception {
                String json = redis.get(RedisPresence.DEFAULT_PREFIX + "presence:{" + deviceId + "}");
                return json == null ? Optional.empty() : Optional.of(JSON.readTree(json).path("state").asText());
            }

            @Override
            public Optional<String> route(String deviceId) {
                return Optional.ofNullable(redis.get(RedisPresence.DEFAULT_PREFIX + "route:{" + deviceId + "}"));
            }
        });
    }

    @Override
    public void close() {
        try {
            try {
                deleteOwnKeys();
            } catch (redis.clients.jedis.exceptions.JedisConnectionException staleAfterARestart) {
                // A test restarted its private Redis: the pool's first connection was dead.
                deleteOwnKeys();
            }
        } finally {
            redis.close();
            dropSchema();
        }
    }

    private void deleteOwnKeys() {
        ScanParams match = new ScanParams().match(RedisPresence.DEFAULT_PREFIX + "*{" + runId + "*").count(1000);
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = redis.scan(cursor, match);
            List<String> keys = page.getResult();
            if (!keys.isEmpty()) {
                redis.del(keys.toArray(String[]::new));
            }
            cursor = page.getCursor();
        } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
    }

    private void dropSchema() {
        try (Connection c = DriverManager.getConnection(baseUrl); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (SQLException e) {
            System.err.println("could not drop test schema " + schema + ": " + e.getMessage());
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
