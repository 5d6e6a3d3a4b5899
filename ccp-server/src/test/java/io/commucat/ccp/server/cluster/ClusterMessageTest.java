package io.commucat.ccp.server.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.commucat.ccp.proto.ControlJson;
import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.proto.FrameType;
import io.commucat.ccp.server.relay.Delivery;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The bytes nodes exchange on the bus. */
class ClusterMessageTest {

    private static ClusterMessage roundTrip(ClusterMessage message) throws Exception {
        return ClusterMessage.decode(ClusterMessage.encode(message));
    }

    @Test
    void anOpaqueDeliveryRoundTrips() throws Exception {
        Delivery delivery = new Delivery("bob-phone", Frame.opaque(FrameType.MSG, 0xffff_ffffL, 0, new byte[] {0, 1, 2}),
                Long.MAX_VALUE);

        assertEquals(new ClusterMessage.Deliver(delivery), roundTrip(new ClusterMessage.Deliver(delivery)));
    }

    @Test
    void aControlDeliveryRoundTrips() throws Exception {
        Delivery delivery = new Delivery("bob-phone",
                Frame.control(FrameType.PRESENCE, 0, 0, ControlJson.object().put("state", "away")), 0);

        assertEquals(new ClusterMessage.Deliver(delivery), roundTrip(new ClusterMessage.Deliver(delivery)));
    }

    @Test
    void aReplaceRoundTrips() throws Exception {
        ClusterMessage replace = new ClusterMessage.Replace("bob-phone", Instant.parse("2026-11-24T12:00:00.123456789Z"));

        assertEquals(replace, roundTrip(replace));
    }

    @Test
    void aRevokeRoundTrips() throws Exception {
        ClusterMessage revoke = new ClusterMessage.Revoke("bob-phone-ü");

        assertEquals(revoke, roundTrip(revoke));
    }

    @Test
    void aChannelChangeRoundTripsWithTheWholeUnsignedChannelRange() throws Exception {
        ClusterMessage changed = new ClusterMessage.ChannelChanged(0xffff_ffffL);

        assertEquals(changed, roundTrip(changed));
    }

    @Test
    void everyTruncationOfAChannelChangeIsRefused() {
        byte[] whole = ClusterMessage.encode(new ClusterMessage.ChannelChanged(7));
        for (int length = 0; length < whole.length; length++) {
            byte[] cut = Arrays.copyOf(whole, length);
            assertThrows(ClusterMessage.MalformedException.class, () -> ClusterMessage.decode(cut), "length " + length);
        }
    }

    @Test
    void everyTruncationOfARevokeIsRefused() {
        byte[] whole = ClusterMessage.encode(new ClusterMessage.Revoke("bob-phone"));
        for (int length = 0; length < whole.length; length++) {
            byte[] cut = Arrays.copyOf(whole, length);
            assertThrows(ClusterMessage.MalformedException.class, () -> ClusterMessage.decode(cut), "length " + length);
        }
    }

    @Test
    void anotherVersionIsRefused() {
        byte[] bytes = ClusterMessage.encode(new ClusterMessage.Replace("x", Instant.EPOCH));
        bytes[0] = 2;

        assertThrows(ClusterMessage.MalformedException.class, () -> ClusterMessage.decode(bytes));
    }

    @Test
    void anUnknownKindIsRefused() {
        assertThrows(ClusterMessage.MalformedException.class, () -> ClusterMessage.decode(new byte[] {1, 9}));
    }

    @Test
    void everyTruncationIsRefused() {
        byte[] whole = ClusterMessage.encode(new ClusterMessage.Deliver(new Delivery("bob",
                Frame.control(FrameType.KEY_UPDATE, 3, 0, ControlJson.object().put("k", "v")), 5)));
        for (int length = 0; length < whole.length; length++) {
            byte[] cut = Arrays.copyOf(whole, length);
            assertThrows(ClusterMessage.MalformedException.class, () -> ClusterMessage.decode(cut), "length " + length);
        }
    }

    @Test
    void trailingBytesAreRefused() {
        byte[] whole = ClusterMessage.encode(new ClusterMessage.Replace("x", Instant.EPOCH));
        byte[] longer = Arrays.copyOf(whole, whole.length + 1);

        assertThrows(ClusterMessage.MalformedException.class, () -> ClusterMessage.decode(longer));
    }

    @Test
    void aControlPayloadThatIsNotJsonIsRefused() {
        byte[] whole = ClusterMessage.encode(new ClusterMessage.Deliver(new Delivery("bob",
                Frame.control(FrameType.TYPING, 3, 0, ControlJson.object()), 0)));
        whole[whole.length - 1] = 'x'; // "{}" becomes "{x"

        assertThrows(ClusterMessage.MalformedException.class, () -> ClusterMessage.decode(whole));
    }
}
