package io.commucat.ccp.server.e2e;

import io.commucat.ccp.server.storage.redis.PrivateRedis;
import static io.commucat.ccp.server.e2e.ChannelFrames.assertAcked;
import static io.commucat.ccp.server.e2e.ChannelFrames.msg;
import static io.commucat.ccp.server.e2e.ChannelFrames.nextOfType;
import static io.commucat.ccp.server.e2e.ChannelFrames.openTogether;
import static io.commucat.ccp.server.e2e.ChannelFrames.send;
import static io.commucat.ccp.server.e2e.ChannelFrames.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.commucat.ccp.client.handshake.UserHints;
import io.commucat.ccp.crypto.noise.NoisePattern;
import io.commucat.ccp.proto.ControlJson;
import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.proto.FrameType;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Two nodes on the shared PostgreSQL and on a Redis of this class's own, which the tests kill
 * ({@code SIGKILL}) and start again, empty. While Redis is away a node keeps relaying between
 * its own devices and into the inbox; when it returns, routes are rebuilt at once and what was
 * acknowledged meanwhile reaches its recipients live, once. The keepalive refresh (every 30 s
 * by default) would rewrite the routes too, but far later than these tests wait.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RedisOutageEndToEndTest {

    private PrivateRedis redis;
    private E2eNodes nodes;
    private TestNode east;
    private TestNode west;

    @BeforeAll
    void startTwoNodesOnAPrivateRedis() throws Exception {
        redis = PrivateRedis.start();
        nodes = E2eNodes.open("ro", runId -> new PostgresRedisBackend(runId, redis.url()));
        east = nodes.start("east", Map.of());
        west = nodes.start("west", Map.of());
    }

    @AfterEach
    void redisRunsAgain() throws Exception {
        redis.ensureRunning();
    }

    @AfterAll
    void stopEverything() throws Exception {
        try {
            if (nodes != null) {
                nodes.close();
            }
        } finally {
            if (redis != null) {
                redis.close();
            }
        }
    }

    @Test
    void whileRedisIsAwayTwoDevicesOnOneNodeStillTalkLive() throws Exception {
        Pair p = pairOn(east, east);
        redis.kill();

        assertAcked(p.a(), msg(p.a(), p.channel(), "no Redis needed"));

        assertEquals("no Redis needed", text(nextOfType(p.b(), FrameType.MSG)));
    }

    @Test
    void whileRedisIsAwayAFrameForAnOfflineDeviceIsKeptAndArrivesWhenItReconnects() throws Exception {
        Pair p = pairOn(east, east);
        p.b().connection.endUpstream();
        p.b().awaitClosed();
        awaitRoute(p.bob().id, Optional.empty());
        redis.kill();

        assertAcked(p.a(), msg(p.a(), p.channel(), "kept while Redis is away"));
        DeviceRun again = p.bob().connect(east, NoisePattern.XK, UserHints.NONE);

        assertEquals("kept while Redis is away", text(nextOfType(again, FrameType.MSG)));
    }

    @Test
    void aMsgSentAcrossAfterRedisReturnsIsDeliveredLiveWithoutReconnecting() throws Exception {
        Pair p = pairOn(east, west);
        redis.kill();
        redis.restart();
        // The route is back long before the next keepalive refresh would write it.
        awaitRoute(p.bob().id, Optional.of(west.config.server().nodeId()));

        assertAcked(p.a(), msg(p.a(), p.channel(), "after the return"));

        assertEquals("after the return", text(nextOfType(p.b(), FrameType.MSG)));
    }

    @Test
    void aMsgAckedAcrossWhileRedisWasAwayArrivesLiveOnceWhenItReturns() throws Exception {
        Pair p = pairOn(east, west);
        redis.kill();
        assertAcked(p.a(), msg(p.a(), p.channel(), "during the outage"));

        redis.restart();

        Frame late = nextOfType(p.b(), FrameType.MSG);
        assertEquals("during the outage", text(late));
        send(p.b(), seq -> Frame.control(FrameType.ACK, p.channel(), seq,
                ControlJson.object().put("ack", late.sequence())));
        assertAcked(p.a(), msg(p.a(), p.channel(), "after the return"));
        // The next Msg bob sees is the new one: the re-read did not send the first one again.
        assertEquals("after the return", text(nextOfType(p.b(), FrameType.MSG)));
        E2eNodes.awaitTrue(() -> west.state.queuedTexts(p.bob().id).equals(java.util.List.of("after the return")),
                "only the unacknowledged Msg stays queued");
    }

    @Test
    void liveDeliveriesThatArriveBeforeTheReReadKeepTheSendersOrder() throws Exception {
        Pair p = pairOn(east, west);
        redis.kill();
        for (int i = 0; i < 5; i++) {
            assertAcked(p.a(), msg(p.a(), p.channel(), "outage " + i));
        }
        redis.restart();
        awaitRoute(p.bob().id, Optional.of(west.config.server().nodeId()));
        for (int i = 0; i < 5; i++) {
            assertAcked(p.a(), msg(p.a(), p.channel(), "return " + i));
        }

        for (String expected : new String[] {"outage 0", "outage 1", "outage 2", "outage 3", "outage 4",
                "return 0", "return 1", "return 2", "return 3", "return 4"}) {
            assertEquals(expected, text(nextOfType(p.b(), FrameType.MSG)));
        }
        assertFalse(p.b().frames.stream().anyMatch(f -> f.type() == FrameType.MSG), "nothing twice");
    }

    private record Pair(TestDevice alice, TestDevice bob, DeviceRun a, DeviceRun b, long channel) {
    }

    private Pair pairOn(TestNode aliceNode, TestNode bobNode) throws Exception {
        TestDevice alice = nodes.newDevice();
        TestDevice bob = nodes.newDevice();
        DeviceRun a = alice.connect(aliceNode, NoisePattern.XK, UserHints.handle(nodes.newHandle()));
        DeviceRun b = bob.connect(bobNode, NoisePattern.XK, UserHints.handle(nodes.newHandle()));
        long channel = openTogether(a, b, bob.id);
        return new Pair(alice, bob, a, b, channel);
    }

    /** Polls Redis (tolerating its absence) until the device's route is {@code expected}. */
    private void awaitRoute(String deviceId, Optional<String> expected) throws Exception {
        E2eNodes.awaitTrue(() -> {
            try {
                return east.state.route(deviceId).equals(expected);
            } catch (RuntimeException redisNotBackYet) {
                return false;
            }
        }, "route of " + deviceId + " is " + expected);
    }
}
