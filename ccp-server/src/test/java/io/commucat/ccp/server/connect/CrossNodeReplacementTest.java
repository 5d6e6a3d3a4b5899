package io.commucat.ccp.server.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.client.handshake.UserHints;
import io.commucat.ccp.crypto.noise.NoisePattern;
import io.commucat.ccp.proto.ControlJson;
import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.proto.FrameType;
import io.commucat.ccp.server.storage.Envelope;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A session of the device on another node ends the older session here, never a newer one. */
class CrossNodeReplacementTest extends DefaultConnectFixture {

    @Test
    void aNewerSessionElsewhereEndsThisOne() throws Exception {
        TestDevice device = new TestDevice(f, "phone-1").start(NoisePattern.XK, UserHints.handle("alice"));
        ConnectFixture.Stream stream = f.open();
        device.bootstrap(stream);

        f.registry.replaceFromAnotherNode("phone-1", Instant.now().plus(Duration.ofSeconds(1)));

        Frame notice = device.awaitEncrypted(stream).get(0);
        assertEquals("session_replaced", notice.control().text("error"));
        stream.awaitWrites(Integer.MAX_VALUE);
        assertEquals(ConnectSession.State.CLOSED, stream.state());
    }

    @Test
    void anOlderSessionElsewhereLeavesThisOneAlone() throws Exception {
        TestDevice device = new TestDevice(f, "phone-1").start(NoisePattern.XK, UserHints.handle("alice"));
        ConnectFixture.Stream stream = f.open();
        device.bootstrap(stream);

        f.registry.replaceFromAnotherNode("phone-1", Instant.now().minus(Duration.ofSeconds(5)));

        // A frame that is answered, to know the replacement request was handled before it.
        stream.send(device.seal(Frame.control(FrameType.JOIN, 5, 3, ControlJson.object())));
        Frame answer = device.awaitEncrypted(stream).get(0);
        assertEquals(FrameType.ACK, answer.type(), answer.toString());
        assertEquals(ConnectSession.State.ESTABLISHED, stream.state());
        assertTrue(f.registry.find("phone-1") != null);
    }

    /**
     * The soak's "acknowledged, never delivered" after node kills and restarts: a bootstrap of the
     * device on another node finished after the device had given up on it and connected here, and
     * took the route. Frames committed meanwhile were routed there and wait in the inbox; this
     * session, the device's current one, takes the route back and reads its inbox again.
     */
    @Test
    void anOlderSessionElsewhereThatTookTheRouteGetsItBackAndTheInboxIsReadAgain() throws Exception {
        TestDevice device = new TestDevice(f, "phone-1").start(NoisePattern.XK, UserHints.handle("alice"));
        ConnectFixture.Stream stream = f.open();
        device.bootstrap(stream);
        assertEquals(Optional.of(ConnectFixture.NODE), f.presence.route("phone-1"));
        Instant lateBootstrap = Instant.now().minus(Duration.ofSeconds(2));

        // What the late bootstrap on node "west" did: took the route, then a sender's node
        // committed a frame for the device and, finding the route at "west", published it there.
        f.presence.setRoute("phone-1", "west", Duration.ofMinutes(1));
        f.store.inbox().enqueue(List.of(new Envelope(0, "phone-1", 7, FrameType.MSG,
                "routed to west".getBytes(StandardCharsets.UTF_8), "sender-1", Instant.now(),
                Instant.now().plus(Duration.ofHours(1)))));
        // "west" tells this node it took the route, with its session's start.
        f.registry.replaceFromAnotherNode("phone-1", lateBootstrap);

        Frame delivered = device.awaitEncrypted(stream).get(0);
        assertEquals(FrameType.MSG, delivered.type(), delivered.toString());
        assertEquals("routed to west", new String(delivered.opaque().toByteArray(), StandardCharsets.UTF_8));
        assertEquals(ConnectSession.State.ESTABLISHED, stream.state());
        assertEquals(Optional.of(ConnectFixture.NODE), f.presence.route("phone-1"));
    }

    /**
     * A keepalive refresh (or a rewrite after Redis came back) that finds the route at another
     * node tells that node, as a bootstrap does: a session there that the device no longer reads
     * ends, instead of the two taking the route from each other at each refresh.
     */
    @Test
    void aSessionThatFindsItsRouteElsewhereTellsThatNodeWhenItTakesItBack() throws Exception {
        TestDevice device = new TestDevice(f, "phone-1").start(NoisePattern.XK, UserHints.handle("alice"));
        ConnectFixture.Stream stream = f.open();
        device.bootstrap(stream);
        BlockingQueue<byte[]> west = new LinkedBlockingQueue<>();
        f.bus.subscribe("west", west::add);
        f.presence.setRoute("phone-1", "west", Duration.ofMinutes(1));

        f.storagePool.submit(() -> {
            stream.session.republishPresence();
            return null;
        }).get(10, TimeUnit.SECONDS);

        ConnectFixture.awaitToldToReplace(west, "phone-1");
        assertEquals(Optional.of(ConnectFixture.NODE), f.presence.route("phone-1"));
    }
}
