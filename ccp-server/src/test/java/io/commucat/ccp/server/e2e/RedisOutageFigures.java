package io.commucat.ccp.server.e2e;

import io.commucat.ccp.server.storage.redis.PrivateRedis;
import static io.commucat.ccp.server.e2e.ChannelFrames.answerTo;
import static io.commucat.ccp.server.e2e.ChannelFrames.assertAcked;
import static io.commucat.ccp.server.e2e.ChannelFrames.msg;
import static io.commucat.ccp.server.e2e.ChannelFrames.nextOfType;
import static io.commucat.ccp.server.e2e.ChannelFrames.openTogether;
import static io.commucat.ccp.server.e2e.ChannelFrames.send;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.commucat.ccp.client.handshake.UserHints;
import io.commucat.ccp.crypto.noise.NoisePattern;
import io.commucat.ccp.proto.ControlJson;
import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.proto.FrameType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Figures for docs/benchmarks.md (issue #19 §1, Redis outages), not a test: surefire runs it
 * only when named ({@code -Dtest=RedisOutageFigures}). Prints, in one run on two nodes over a
 * private Redis: the acknowledged Msg rate between two devices of one node with Redis up and
 * with Redis killed (the ratio shows whether the node crawls without it), and how long after
 * Redis's restart a Msg acknowledged across nodes during the outage reaches its recipient.
 */
class RedisOutageFigures {

    private static final int MESSAGES = 2_000;
    private static final int IN_FLIGHT = 64;

    @Test
    void print() throws Exception {
        try (PrivateRedis redis = PrivateRedis.start();
                E2eNodes nodes = E2eNodes.open("rof", runId -> new PostgresRedisBackend(runId, redis.url()))) {
            TestNode east = nodes.start("east", Map.of());
            TestNode west = nodes.start("west", Map.of());
            Pair local = pair(nodes, east, east);
            rate(local, 500); // warm-up
            double up = rate(local, MESSAGES);
            redis.kill();
            rate(local, 200); // the breaker opens
            double down = rate(local, MESSAGES);
            redis.restart();

            Pair across = pair(nodes, east, west);
            redis.kill();
            assertAcked(across.a(), msg(across.a(), across.channel(), "during the outage"));
            long restarted = System.nanoTime();
            redis.restart();
            Frame late = nextOfType(across.b(), FrameType.MSG);
            double healSeconds = (System.nanoTime() - restarted) / 1e9;
            assertEquals("during the outage", new String(late.opaque().toByteArray(), StandardCharsets.UTF_8));

            System.out.printf("FIGURES one node, %d Msgs of 100 B, %d in flight: Redis up %.0f acked+delivered msgs/s,"
                    + " Redis killed %.0f msgs/s, ratio %.2f%n", MESSAGES, IN_FLIGHT, up, down, down / up);
            System.out.printf("FIGURES a Msg acked across nodes during the outage reached its recipient live %.2f s"
                    + " after redis-server was started again%n", healSeconds);
        }
    }

    private record Pair(DeviceRun a, DeviceRun b, long channel) {
    }

    private static Pair pair(E2eNodes nodes, TestNode aNode, TestNode bNode) throws Exception {
        TestDevice alice = nodes.newDevice();
        TestDevice bob = nodes.newDevice();
        DeviceRun a = alice.connect(aNode, NoisePattern.XK, UserHints.handle(nodes.newHandle()));
        DeviceRun b = bob.connect(bNode, NoisePattern.XK, UserHints.handle(nodes.newHandle()));
        return new Pair(a, b, openTogether(a, b, bob.id));
    }

    /** Msgs per second acknowledged to the sender and delivered (and acknowledged) by the receiver. */
    private static double rate(Pair p, int count) throws Exception {
        DeviceRun a = p.a();
        DeviceRun b = p.b();
        long channel = p.channel();
        byte[] payload = new byte[100];
        long start = System.nanoTime();
        List<Long> pending = new ArrayList<>();
        int received = 0;
        for (int i = 0; i < count; i++) {
            pending.add(send(a, seq -> Frame.opaque(FrameType.MSG, channel, seq, payload)));
            if (pending.size() >= IN_FLIGHT) {
                assertEquals(FrameType.ACK, answerTo(a, pending.remove(0)).type());
                Frame delivered = nextOfType(b, FrameType.MSG);
                send(b, seq -> Frame.control(FrameType.ACK, channel, seq,
                        ControlJson.object().put("ack", delivered.sequence())));
                received++;
            }
        }
        for (long sequence : pending) {
            assertEquals(FrameType.ACK, answerTo(a, sequence).type());
        }
        while (received < count) {
            Frame delivered = nextOfType(b, FrameType.MSG);
            send(b, seq -> Frame.control(FrameType.ACK, channel, seq, ControlJson.object().put("ack", delivered.sequence())));
            received++;
        }
        return count / ((System.nanoTime() - start) / 1e9);
    }
}
