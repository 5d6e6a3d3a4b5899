package io.commucat.ccp.server.e2e;

import static io.commucat.ccp.server.e2e.ChannelFrames.assertAcked;
import static io.commucat.ccp.server.e2e.ChannelFrames.msg;
import static io.commucat.ccp.server.e2e.ChannelFrames.nextOfType;
import static io.commucat.ccp.server.e2e.ChannelFrames.openTogether;
import static io.commucat.ccp.server.e2e.ChannelFrames.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.client.handshake.UserHints;
import io.commucat.ccp.crypto.noise.NoisePattern;
import io.commucat.ccp.proto.FrameType;
import io.commucat.ccp.server.storage.redis.RedisPresence;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.SetParams;

/**
 * What a node that died (SIGKILL: no clean-up) leaves behind, on two live nodes over the shared
 * PostgreSQL and Redis: nothing that does not expire by itself, and nothing its devices lose.
 * The dead node's Redis entries are written here as it would have left them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeadNodeEndToEndTest {

    private E2eNodes nodes;
    private TestNode east;
    private TestNode west;
    private JedisPooled redis;

    @BeforeAll
    void startTwoNodes() throws Exception {
        nodes = E2eNodes.open("dead", PostgresRedisBackend::new);
        east = nodes.start("east", Map.of());
        west = nodes.start("west", Map.of());
        redis = new JedisPooled(URI.create(nodes.backend.environment().get("CCP_STORAGE_REDIS_URL")), 2_000);
    }

    @AfterAll
    void stopEverything() {
        if (redis != null) {
            redis.close();
        }
        if (nodes != null) {
            nodes.close();
        }
    }

    @Test
    void everyRedisEntryANodeKeepsForASessionExpiresUnlessRefreshed() throws Exception {
        TestDevice device = nodes.newDevice();
        device.connect(east, NoisePattern.XK, UserHints.handle(nodes.newHandle()));

        long presenceTtl = east.config.limits().presenceTtl().toMillis();
        for (String key : List.of(routeKey(device.id), presenceKey(device.id))) {
            long ttl = redis.pttl(key);
            assertTrue(ttl > 0 && ttl <= presenceTtl, key + " expires within the presence TTL, has " + ttl + " ms");
        }
    }

    @Test
    void aMsgForADeviceRoutedToADeadNodeIsQueuedAndArrivesWhenItReconnectsElsewhere() throws Exception {
        TestDevice alice = nodes.newDevice();
        TestDevice bob = nodes.newDevice();
        DeviceRun a = alice.connect(east, NoisePattern.XK, UserHints.handle(nodes.newHandle()));
        DeviceRun b = bob.connect(east, NoisePattern.XK, UserHints.handle(nodes.newHandle()));
        long channel = openTogether(a, b, bob.id);
        b.connection.endUpstream();
        b.awaitClosed();
        // Bob's node died with his session open: its route still names it until the TTL ends.
        String deadNode = nodes.runId + "-dead-node";
        redis.set(routeKey(bob.id), deadNode, SetParams.setParams().px(60_000));

        assertAcked(a, msg(a, channel, "for bob, wherever he is"));
        assertEquals(List.of("for bob, wherever he is"), east.state.queuedTexts(bob.id), "kept in the inbox");
        DeviceRun again = bob.connect(west, NoisePattern.XK, UserHints.NONE);

        assertEquals("for bob, wherever he is", text(nextOfType(again, FrameType.MSG)));
        assertEquals(Optional.of(west.config.server().nodeId()), west.state.route(bob.id), "the new node took the route");
    }

    @Test
    void aRouteToADeadNodeIsGoneOnceItsTtlEnds() throws Exception {
        TestDevice alice = nodes.newDevice();
        TestDevice bob = nodes.newDevice();
        DeviceRun a = alice.connect(east, NoisePattern.XK, UserHints.handle(nodes.newHandle()));
        DeviceRun b = bob.connect(west, NoisePattern.XK, UserHints.handle(nodes.newHandle()));
        long channel = openTogether(a, b, bob.id);
        b.connection.endUpstream();
        b.awaitClosed();
        redis.set(routeKey(bob.id), nodes.runId + "-dead-node", SetParams.setParams().px(1_000));

        E2eNodes.awaitTrue(() -> west.state.route(bob.id).isEmpty(), "the dead node's route expired");
        assertAcked(a, msg(a, channel, "after the expiry"));
        DeviceRun again = bob.connect(west, NoisePattern.XK, UserHints.NONE);

        assertEquals("after the expiry", text(nextOfType(again, FrameType.MSG)));
    }

    private static String routeKey(String deviceId) {
        return RedisPresence.DEFAULT_PREFIX + "route:{" + deviceId + "}";
    }

    private static String presenceKey(String deviceId) {
        return RedisPresence.DEFAULT_PREFIX + "presence:{" + deviceId + "}";
    }
}
