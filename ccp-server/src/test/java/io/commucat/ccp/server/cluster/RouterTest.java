package io.commucat.ccp.server.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.proto.FrameType;
import io.commucat.ccp.server.relay.Delivery;
import io.commucat.ccp.server.storage.embedded.EmbeddedBus;
import io.commucat.ccp.server.storage.embedded.EmbeddedPresence;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Which deliveries stay on this node and which cross to another (architecture.md, "Scale-out"). */
class RouterTest {

    static final Duration TTL = Duration.ofMinutes(1);

    private final EmbeddedPresence presence = new EmbeddedPresence();
    private final EmbeddedBus.Hub hub = new EmbeddedBus.Hub();
    private final Router router = new Router(presence, new EmbeddedBus(hub), "east");
    private final LinkedBlockingQueue<ClusterMessage> west = new LinkedBlockingQueue<>();

    RouterTest() throws Exception {
        new EmbeddedBus(hub).subscribe("west", bytes -> {
            try {
                west.add(ClusterMessage.decode(bytes));
            } catch (ClusterMessage.MalformedException e) {
                throw new AssertionError(e);
            }
        });
    }

    private static Delivery delivery(String recipient) {
        return new Delivery(recipient, Frame.opaque(FrameType.MSG, 7, 0, new byte[] {1}), 42);
    }

    @Test
    void aDeliveryForADeviceRoutedToAnotherNodeIsPublishedThere() throws Exception {
        presence.setRoute("bob", "west", TTL);

        List<Delivery> local = router.forward(List.of(delivery("bob")));

        assertEquals(List.of(), local);
        assertEquals(new ClusterMessage.Deliver(delivery("bob")), west.poll(1, TimeUnit.SECONDS));
    }

    @Test
    void aDeliveryForADeviceRoutedHereOrNowhereStaysHere() throws Exception {
        presence.setRoute("carol", "east", TTL);

        List<Delivery> local = router.forward(List.of(delivery("carol"), delivery("dave")));

        assertEquals(List.of(delivery("carol"), delivery("dave")), local);
        assertNull(west.poll(100, TimeUnit.MILLISECONDS));
    }

    @Test
    void aBatchForDevicesOnSeveralNodesIsSplitByRoute() throws Exception {
        presence.setRoute("bob", "west", TTL);
        presence.setRoute("carol", "east", TTL);

        List<Delivery> local = router.forward(List.of(delivery("bob"), delivery("carol"), delivery("dave"),
                delivery("bob")));

        assertEquals(List.of(delivery("carol"), delivery("dave")), local);
        assertEquals(new ClusterMessage.Deliver(delivery("bob")), west.poll(1, TimeUnit.SECONDS));
        assertEquals(new ClusterMessage.Deliver(delivery("bob")), west.poll(1, TimeUnit.SECONDS));
    }

    @Test
    void aSessionOnThisNodeTellsTheNodeItTookTheRouteFrom() throws Exception {
        Instant since = Instant.parse("2026-11-24T13:00:00Z");

        router.announceSession("bob", "west", since);

        assertEquals(new ClusterMessage.Replace("bob", since), west.poll(1, TimeUnit.SECONDS));
    }

    @Test
    void aSessionOfADeviceRoutedHereAnnouncesNothing() throws Exception {
        router.announceSession("bob", "east", Instant.now());

        assertNull(west.poll(100, TimeUnit.MILLISECONDS));
    }
}
