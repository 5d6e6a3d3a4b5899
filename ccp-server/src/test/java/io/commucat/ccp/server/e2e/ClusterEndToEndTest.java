package io.commucat.ccp.server.e2e;

import static io.commucat.ccp.server.e2e.ChannelFrames.assertAcked;
import static io.commucat.ccp.server.e2e.ChannelFrames.assertPresenceReaches;
import static io.commucat.ccp.server.e2e.ChannelFrames.join;
import static io.commucat.ccp.server.e2e.ChannelFrames.msg;
import static io.commucat.ccp.server.e2e.ChannelFrames.nextOfType;
import static io.commucat.ccp.server.e2e.ChannelFrames.openTogether;
import static io.commucat.ccp.server.e2e.ChannelFrames.send;
import static io.commucat.ccp.server.e2e.ChannelFrames.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.commucat.ccp.client.handshake.UserHints;
import io.commucat.ccp.crypto.noise.NoisePattern;
import io.commucat.ccp.proto.ControlJson;
import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.proto.FrameType;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Two nodes on one PostgreSQL and one Redis (architecture.md, "Scale-out"): frames for a device
 * on the other node cross through the Redis bus, and a device that moves to the other node ends
 * its session on the first.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterEndToEndTest {

    private final String runId = "cl" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    private final AtomicInteger ids = new AtomicInteger();
    private Path root;
    private Backend backend;
    private MultiThreadIoEventLoopGroup clientLoops;
    private TestNode east;
    private TestNode west;

    @BeforeAll
    void startTwoNodes() throws Exception {
        root = Files.createTempDirectory("ccp-cluster-");
        backend = new PostgresRedisBackend(runId);
        clientLoops = new MultiThreadIoEventLoopGroup(2, new DefaultThreadFactory("cluster-client-loop", true),
                NioIoHandler.newFactory());
        east = TestNode.start(backend, root.resolve("east"), Map.of(), clientLoops);
        west = TestNode.start(backend, root.resolve("west"), Map.of(), clientLoops);
    }

    @AfterAll
    void stopEverything() throws Exception {
        for (TestNode node : new TestNode[] {east, west}) {
            if (node != null) {
                node.close();
            }
        }
        if (clientLoops != null) {
            clientLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        if (backend != null) {
            backend.close();
        }
        if (root != null) {
            try (Stream<Path> files = Files.walk(root)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private TestDevice newDevice() {
        return new TestDevice(runId + "-dev-" + ids.incrementAndGet());
    }

    private String newHandle() {
        return runId + "-user-" + ids.incrementAndGet();
    }


    @Test
    void theNodesHaveTheirOwnIds() {
        assertTrue(!east.config.server().nodeId().equals(west.config.server().nodeId()));
    }

    @Test
    void aMsgCrossesToAMemberConnectedToTheOtherNode() throws Exception {
        TestDevice alice = newDevice();
        TestDevice bob = newDevice();
        DeviceRun a = alice.connect(east, NoisePattern.XK, UserHints.handle(newHandle()));
        DeviceRun b = bob.connect(west, NoisePattern.XK, UserHints.handle(newHandle()));
        long channel = openTogether(a, b, bob.id);

        assertAcked(a, msg(a, channel, "across the cluster"));

        Frame delivered = nextOfType(b, FrameType.MSG);
        assertEquals("across the cluster", text(delivered));
        send(b, seq -> Frame.control(FrameType.ACK, channel, seq, ControlJson.object().put("ack", delivered.sequence())));
        awaitTrue(() -> west.state.queuedTexts(bob.id).isEmpty(), "the envelope deleted by bob's Ack on the other node");
    }

    @Test
    void presenceCrossesToAPeerOnTheOtherNode() throws Exception {
        TestDevice alice = newDevice();
        TestDevice bob = newDevice();
        DeviceRun a = alice.connect(east, NoisePattern.XK, UserHints.handle(newHandle()));
        DeviceRun b = bob.connect(west, NoisePattern.XK, UserHints.handle(newHandle()));
        openTogether(a, b, bob.id);

        assertPresenceReaches(a, alice.id, b, "away");
    }

    @Test
    void aSessionOnTheOtherNodeReplacesTheFirst() throws Exception {
        TestDevice device = newDevice();
        DeviceRun first = device.connect(east, NoisePattern.XK, UserHints.handle(newHandle()));

        DeviceRun second = device.connect(west, NoisePattern.XK, UserHints.NONE);

        Frame notice = first.nextFrame();
        assertEquals(FrameType.ERROR, notice.type());
        assertEquals("session_replaced", notice.control().text("error"));
        assertTrue(first.awaitClosed().completed(), "the old stream ends after the notice");
        awaitTrue(() -> west.state.route(device.id).equals(Optional.of(west.config.server().nodeId())),
                "the route names the new node");
        JsonNode end = LedgerLines.await(east, "session end", LedgerLines.event("session", "end", device.id));
        assertEquals("replaced", end.path("reason").asText());
        assertTrue(!second.closed.isDone(), "the new session goes on");
    }

    @Test
    void aMemberOnTheOtherNodeThatWasOfflineGetsTheQueuedMsgThere() throws Exception {
        TestDevice alice = newDevice();
        TestDevice bob = newDevice();
        DeviceRun a = alice.connect(east, NoisePattern.XK, UserHints.handle(newHandle()));
        DeviceRun b = bob.connect(east, NoisePattern.XK, UserHints.handle(newHandle()));
        long channel = openTogether(a, b, bob.id);
        b.connection.endUpstream();
        b.awaitClosed();
        awaitTrue(() -> east.state.route(bob.id).isEmpty(), "bob offline");
        assertAcked(a, msg(a, channel, "kept in the shared inbox"));

        DeviceRun again = bob.connect(west, NoisePattern.XK, UserHints.NONE);

        assertEquals("kept in the shared inbox", text(nextOfType(again, FrameType.MSG)));
        assertEquals(List.of("kept in the shared inbox"), west.state.queuedTexts(bob.id), "until bob acknowledges");
    }

    private static void awaitTrue(Callable<Boolean> condition, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 5 s: " + what);
            }
            Thread.sleep(20);
        }
    }
}
