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
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

    private E2eNodes nodes;
    private TestNode east;
    private TestNode west;

    @BeforeAll
    void startTwoNodes() throws Exception {
        nodes = E2eNodes.open("cl", PostgresRedisBackend::new);
        east = nodes.start("east", Map.of());
        west = nodes.start("west", Map.of());
    }

    @AfterAll
    void stopEverything() {
        if (nodes != null) {
            nodes.close();
        }
    }

    private TestDevice newDevice() {
        return nodes.newDevice();
    }

    private String newHandle() {
        return nodes.newHandle();
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
        E2eNodes.awaitTrue(() -> west.state.queuedTexts(bob.id).isEmpty(), "the envelope deleted by bob's Ack on the other node");
    }

    @Test
    void aMemberWhoJoinedOnOneNodeGetsTheOtherNodesNextMsg() throws Exception {
        TestDevice alice = newDevice();
        TestDevice bob = newDevice();
        TestDevice dave = newDevice();
        DeviceRun a = alice.connect(east, NoisePattern.XK, UserHints.handle(newHandle()));
        DeviceRun b = bob.connect(west, NoisePattern.XK, UserHints.handle(newHandle()));
        DeviceRun d = dave.connect(east, NoisePattern.XK, UserHints.handle(newHandle()));
        long channel = openTogether(a, b, bob.id);
        assertAcked(b, msg(b, channel, "before dave"));
        assertEquals("before dave", text(nextOfType(a, FrameType.MSG)));
        // West now holds the channel's members (alice, bob) in its cache.

        assertAcked(a, join(a, channel, dave.id));
        assertAcked(d, join(d, channel));
        assertAcked(b, msg(b, channel, "after dave joined on the other node"));

        assertEquals("after dave joined on the other node", text(nextOfType(d, FrameType.MSG)));
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
        E2eNodes.awaitTrue(() -> west.state.route(device.id).equals(Optional.of(west.config.server().nodeId())),
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
        E2eNodes.awaitTrue(() -> east.state.route(bob.id).isEmpty(), "bob offline");
        assertAcked(a, msg(a, channel, "kept in the shared inbox"));

        DeviceRun again = bob.connect(west, NoisePattern.XK, UserHints.NONE);

        assertEquals("kept in the shared inbox", text(nextOfType(again, FrameType.MSG)));
        assertEquals(List.of("kept in the shared inbox"), west.state.queuedTexts(bob.id), "until bob acknowledges");
    }

}
