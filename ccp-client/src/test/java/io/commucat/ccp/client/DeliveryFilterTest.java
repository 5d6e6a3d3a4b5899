package io.commucat.ccp.client;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.proto.FrameType;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DeliveryFilterTest {

    private static DeliveryFilter.Key msg(long channel, String payload) {
        return DeliveryFilter.Key.of(FrameType.MSG, channel, payload.getBytes(StandardCharsets.UTF_8));
    }

    /** Delivers {@code key} on {@code link} as the session does: admitted, then taken. */
    private static boolean deliver(DeliveryFilter filter, long link, DeliveryFilter.Key key) {
        boolean admitted = filter.admit(link, key);
        if (admitted) {
            filter.delivered(key);
        }
        return admitted;
    }

    @Test
    void messagesRedeliveredAtTheHeadOfANewLinkAreDropped() {
        DeliveryFilter filter = new DeliveryFilter(Deduplication.redeliveries());
        deliver(filter, 0, msg(7, "a"));
        deliver(filter, 0, msg(7, "b"));

        assertFalse(deliver(filter, 1, msg(7, "a")));
        assertFalse(deliver(filter, 1, msg(7, "b")));
        assertTrue(deliver(filter, 1, msg(7, "c")));
    }

    @Test
    void aRepeatedPayloadAfterTheHeadOfALinkIsDelivered() {
        DeliveryFilter filter = new DeliveryFilter(Deduplication.redeliveries());
        deliver(filter, 0, msg(7, "ok"));
        assertTrue(deliver(filter, 0, msg(7, "ok")), "the same bytes sent twice on purpose on one link");

        assertTrue(deliver(filter, 1, msg(7, "new")));
        assertTrue(deliver(filter, 1, msg(7, "ok")), "after a new message the head is over");
    }

    @Test
    void theSamePayloadOnAnotherChannelIsAnotherMessage() {
        DeliveryFilter filter = new DeliveryFilter(Deduplication.redeliveries());
        deliver(filter, 0, msg(7, "a"));

        assertTrue(deliver(filter, 1, msg(8, "a")));
    }

    @Test
    void byContentDropsAnEqualMessageAnywhereInItsWindow() {
        DeliveryFilter filter = new DeliveryFilter(Deduplication.byContent(300));
        deliver(filter, 0, msg(7, "a"));
        deliver(filter, 0, msg(7, "b"));

        assertFalse(deliver(filter, 0, msg(7, "a")), "a sender's resend of a stored message");
    }

    @Test
    void byContentForgetsWhatFellOutOfItsWindow() {
        DeliveryFilter filter = new DeliveryFilter(Deduplication.byContent(256));
        deliver(filter, 0, msg(7, "first"));
        for (int i = 0; i < 256; i++) {
            deliver(filter, 0, msg(7, "filler " + i));
        }

        assertTrue(deliver(filter, 0, msg(7, "first")));
    }

    @Test
    void aMessageWhoseHandlerNeverReturnedComesAgain() {
        DeliveryFilter filter = new DeliveryFilter(Deduplication.redeliveries());
        DeliveryFilter.Key lost = msg(7, "a");
        assertTrue(filter.admit(0, lost)); // the handler threw: never recorded as delivered

        assertTrue(deliver(filter, 1, lost));
    }
}
