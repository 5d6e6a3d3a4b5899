package io.commucat.ccp.server.storage.redis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.commucat.ccp.server.storage.Bus;
import io.commucat.ccp.server.storage.BusContract;
import java.net.URI;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.ClientKillParams;

/**
 * The Bus contract on the real Redis server ({@code 127.0.0.1:6379} unless
 * {@code CCP_TEST_REDIS_URL} says otherwise), on channels under a prefix of this class's own.
 * An unreachable server fails the tests; it never skips them.
 */
class RedisBusTest implements BusContract {

    private static final String PREFIX = "ccp-test:" + UUID.randomUUID() + ":";
    private static String url;
    private static JedisPooled redis;

    @BeforeAll
    static void connect() {
        String configured = System.getenv("CCP_TEST_REDIS_URL");
        url = configured == null || configured.isBlank() ? "redis://127.0.0.1:6379" : configured;
        redis = new JedisPooled(URI.create(url), 2_000);
        try {
            redis.ping();
        } catch (RuntimeException e) {
            fail("Redis is not reachable at " + url + ": start it on 127.0.0.1:6379 or set CCP_TEST_REDIS_URL.", e);
        }
    }

    @AfterAll
    static void disconnect() {
        redis.close();
    }

    @Override
    public Bus newBus() {
        return new RedisBus(url, redis, PREFIX);
    }

    @Test
    void aSubscriptionThatRedisDropsReconnects() throws Exception {
        try (Bus receiver = newBus(); Bus sender = newBus()) {
            String node = BusContract.node();
            LinkedBlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
            receiver.subscribe(node, received::add);

            String name = RedisBus.subscriberName(node);
            try (Jedis admin = new Jedis(URI.create(url))) {
                String id = admin.clientList().lines().filter(line -> line.contains(" name=" + name + " "))
                        .map(line -> line.replaceAll("^id=(\\d+) .*", "$1")).findFirst().orElseThrow();
                admin.clientKill(ClientKillParams.clientKillParams().id(id));
            }
            byte[] message = {7};
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            byte[] got = null;
            while (got == null && System.nanoTime() < deadline) {
                sender.publish(node, message); // lost while it reconnects, so publish until one arrives
                got = received.poll(200, TimeUnit.MILLISECONDS);
            }

            assertArrayEquals(message, got);
        }
    }
}
