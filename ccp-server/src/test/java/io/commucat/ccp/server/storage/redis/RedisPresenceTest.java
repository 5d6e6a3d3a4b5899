package io.commucat.ccp.server.storage.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.commucat.ccp.server.storage.PresenceContract;
import io.commucat.ccp.server.storage.StorageException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The Presence contract on the real Redis server ({@code 127.0.0.1:6379} unless
 * {@code CCP_TEST_REDIS_URL} says otherwise), under a key prefix of this class's own. An
 * unreachable server fails the tests; it never skips them.
 */
class RedisPresenceTest implements PresenceContract {

    private static final String URL_ENV = "CCP_TEST_REDIS_URL";
    private static final String PREFIX = "ccp-test:" + UUID.randomUUID() + ":";
    private static final Duration POLL = Duration.ofMillis(20);
    /** Redis expires keys within about a millisecond of their TTL; this is plenty of slack. */
    private static final Duration EXPIRY_SLACK = Duration.ofSeconds(3);

    private static String url;
    private static JedisPooled redis;
    private static RedisPresence presence;

    @BeforeAll
    static void connect() {
        String configured = System.getenv(URL_ENV);
        url = configured == null || configured.isBlank() ? "redis://127.0.0.1:6379" : configured;
        redis = new JedisPooled(URI.create(url), 2_000);
        presence = new RedisPresence(redis, PREFIX);
        if (!presence.ping()) {
            fail("Redis is not reachable at " + url + ": start it on 127.0.0.1:6379 or set " + URL_ENV + ".");
        }
    }

    @AfterEach
    void deleteKeys() {
        List<String> keys = keysUnderPrefix();
        if (!keys.isEmpty()) {
            redis.del(keys.toArray(String[]::new));
        }
    }

    @AfterAll
    static void disconnect() {
        if (redis != null) {
            redis.close();
        }
    }

    @Override
    public RedisPresence presence() {
        return presence;
    }

    @Override
    public Duration shortTtl() {
        return Duration.ofMillis(250);
    }

    @Override
    public void awaitExpiry(Duration ttl, Callable<Boolean> gone) throws Exception {
        long deadline = System.nanoTime() + ttl.plus(EXPIRY_SLACK).toNanos();
        while (!gone.call()) {
            if (System.nanoTime() > deadline) {
                fail("still there " + ttl.plus(EXPIRY_SLACK) + " after being written with TTL " + ttl);
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    @Test
    void everyKeyIsUnderThePrefixAndExpires() throws Exception {
        String device = PresenceContract.deviceId();
        presence.publish(PresenceContract.snapshot(device, "node-a"), LONG_TTL);
        presence.setRoute(device, "node-a", LONG_TTL);

        List<String> keys = keysUnderPrefix();
        assertEquals(2, keys.size(), keys.toString());
        for (String key : keys) {
            long ttl = redis.pttl(key);
            assertTrue(ttl > 0 && ttl <= LONG_TTL.toMillis(), key + " has PTTL " + ttl);
        }
    }

    @Test
    void snapshotThatIsNotJsonIsCorrupt() {
        String device = PresenceContract.deviceId();
        redis.set(presence.presenceKey(device), "not json");

        StorageException e = assertThrows(StorageException.class, () -> presence.find(device));
        assertEquals(StorageException.Kind.CORRUPT, e.kind());
    }

    @Test
    void unreachableServerIsUnavailable() {
        // Port 9 (discard) is closed on development and CI machines: the connection is refused.
        try (RedisPresence nowhere = RedisPresence.connect("redis://127.0.0.1:9", PREFIX)) {
            assertFalse(nowhere.ping());
            StorageException e = assertThrows(StorageException.class, () -> nowhere.route("device-1"));
            assertEquals(StorageException.Kind.UNAVAILABLE, e.kind());
        }
    }

    @Test
    void routesFromAnUnreachableServerAreUnavailable() {
        try (RedisPresence nowhere = RedisPresence.connect("redis://127.0.0.1:9", PREFIX)) {
            StorageException e = assertThrows(StorageException.class,
                    () -> nowhere.routes(List.of("device-1", "device-2")));
            assertEquals(StorageException.Kind.UNAVAILABLE, e.kind());
        }
    }

    @Test
    void clearEndedWorksOnAServerThatLostItsScripts() throws Exception {
        // A private server: flushing the shared one's scripts would touch other users of it.
        try (PrivateRedis server = PrivateRedis.start();
                RedisPresence fresh = RedisPresence.connect(server.url(), PREFIX);
                JedisPooled direct = new JedisPooled(URI.create(server.url()), 2_000)) {
            String first = PresenceContract.deviceId();
            String second = PresenceContract.deviceId();
            Instant at = Instant.parse("2026-03-01T10:15:30Z");
            fresh.takeRoutes(List.of(PresenceContract.snapshotAt(first, "node-a", at),
                    PresenceContract.snapshotAt(second, "node-a", at)), LONG_TTL);
            fresh.clearEnded(Map.of(first, at), "node-a");
            direct.scriptFlush();

            fresh.clearEnded(Map.of(second, at), "node-a");

            assertEquals(Optional.empty(), fresh.find(first));
            assertEquals(Optional.empty(), fresh.find(second));
            assertEquals(Optional.empty(), fresh.route(second));
        }
    }

    private static List<String> keysUnderPrefix() {
        List<String> keys = new ArrayList<>();
        ScanParams match = new ScanParams().match(PREFIX + "*").count(500);
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = redis.scan(cursor, match);
            keys.addAll(page.getResult());
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        return keys;
    }
}
