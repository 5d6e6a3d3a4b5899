package io.commucat.ccp.server.storage.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.server.storage.StorageException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/** The breaker's states, on a clock the test moves, and once against a Redis that never answers. */
class RedisBreakerTest {

    private final AtomicLong now = new AtomicLong();
    private final AtomicInteger drops = new AtomicInteger();
    private final RedisBreaker breaker = new RedisBreaker(now::get, drops::incrementAndGet);
    private final AtomicInteger calls = new AtomicInteger();

    private String unreachable() {
        calls.incrementAndGet();
        throw new JedisConnectionException("connection refused");
    }

    private String answers() {
        calls.incrementAndGet();
        return "OK";
    }

    @Test
    void aConnectionFailureOpensItAndDropsTheIdleConnections() {
        StorageException e = assertThrows(StorageException.class, () -> breaker.call("get", this::unreachable));

        assertEquals(StorageException.Kind.UNAVAILABLE, e.kind());
        assertEquals(RedisBreaker.State.OPEN, breaker.state());
        assertEquals(1, drops.get());
    }

    @Test
    void whileOpenCallsFailUnavailableWithoutReachingRedis() {
        assertThrows(StorageException.class, () -> breaker.call("get", this::unreachable));

        for (int i = 0; i < 100; i++) {
            StorageException e = assertThrows(StorageException.class, () -> breaker.call("get", this::answers));
            assertEquals(StorageException.Kind.UNAVAILABLE, e.kind());
        }
        assertEquals(1, calls.get());
    }

    @Test
    void afterTheRetryDelayOneCallProbesAndItsSuccessClosesIt() throws Exception {
        assertThrows(StorageException.class, () -> breaker.call("get", this::unreachable));
        now.addAndGet(RedisBreaker.RETRY_AFTER.toNanos());

        assertEquals("OK", breaker.call("get", this::answers));

        assertEquals(RedisBreaker.State.CLOSED, breaker.state());
        assertEquals("OK", breaker.call("get", this::answers));
    }

    @Test
    void aFailedProbeOpensItForAnotherRetryDelay() {
        assertThrows(StorageException.class, () -> breaker.call("get", this::unreachable));
        now.addAndGet(RedisBreaker.RETRY_AFTER.toNanos());

        assertThrows(StorageException.class, () -> breaker.call("get", this::unreachable));

        assertEquals(RedisBreaker.State.OPEN, breaker.state());
        assertThrows(StorageException.class, () -> breaker.call("get", this::answers));
        assertEquals(2, calls.get(), "the call after the failed probe never reached Redis");
    }

    @Test
    void anErrorReplyShowsRedisAnswersAndLeavesItClosed() {
        StorageException e = assertThrows(StorageException.class, () -> breaker.call("eval", () -> {
            throw new JedisDataException("WRONGTYPE");
        }));

        assertEquals(StorageException.Kind.UNAVAILABLE, e.kind());
        assertEquals(RedisBreaker.State.CLOSED, breaker.state());
    }

    @Test
    void theBusSubscriptionsLossOpensItAndItsReturnClosesIt() throws Exception {
        breaker.unreachable("bus subscription lost");
        assertThrows(StorageException.class, () -> breaker.call("get", this::answers));

        breaker.reachable();

        assertEquals("OK", breaker.call("get", this::answers));
        assertEquals(2, drops.get(), "idle connections dropped on the loss and again on the return");
    }

    /**
     * A Redis that accepts connections and never answers (a listening socket nobody reads): the
     * first call waits for its socket timeout, the ones after it fail at once instead of each
     * waiting as long (50 calls would take 100 s).
     */
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void againstASilentRedisOnlyTheFirstCallWaitsForTheTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
                RedisConnections redis = RedisConnections.open("redis://127.0.0.1:" + silent.getLocalPort(), 4)) {
            RedisPresence presence = new RedisPresence(redis.pool(), "ccp-test:", redis.breaker());
            StorageException first = assertThrows(StorageException.class, () -> presence.route("device"));
            assertEquals(StorageException.Kind.UNAVAILABLE, first.kind());

            for (int i = 0; i < 50; i++) {
                StorageException e = assertThrows(StorageException.class, () -> presence.route("device"));
                assertEquals(StorageException.Kind.UNAVAILABLE, e.kind());
                assertTrue(e.getMessage().contains("failing fast") || e.getCause() != null, e.getMessage());
            }
            assertTrue(redis.breaker().state() != RedisBreaker.State.CLOSED);
        }
    }
}
