package io.commucat.ccp.server.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.server.relay.DeliveryWindow.Offer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-session window of durable deliveries (ccp-1.md §4.2 delivery guarantee). */
class DeliveryWindowTest {

    /** A window whose first pull found an empty inbox. */
    private static DeliveryWindow drained(int capacity) {
        DeliveryWindow window = new DeliveryWindow(capacity, true);
        window.startPull();
        window.pullDone(false);
        return window;
    }

    @Test
    void aNewSessionPullsBeforeItSendsLiveDeliveries() {
        DeliveryWindow window = new DeliveryWindow(4, true);

        assertTrue(window.shouldPull());
        assertEquals(Offer.DEFERRED, window.offerLive(1, true));
    }

    @Test
    void aDeviceNewInThisSessionHasNothingToPull() {
        DeliveryWindow window = new DeliveryWindow(4, false);

        assertFalse(window.shouldPull());
        assertEquals(Offer.SEND, window.offerLive(1, true));
    }

    @Test
    void afterAnEmptyPullLiveDeliveriesGoOutDirectly() {
        assertEquals(Offer.SEND, drained(4).offerLive(1, true));
    }

    @Test
    void whenTheInboxMayHoldMoreLiveDeliveriesWaitForAPull() {
        DeliveryWindow window = drained(4);

        window.mayHoldMore();

        assertTrue(window.shouldPull());
        assertEquals(Offer.DEFERRED, window.offerLive(5, true));
    }

    @Test
    void aReReadSkipsWhatIsInFlightOrAcknowledgedAndSendsWhatWasMissed() {
        DeliveryWindow window = drained(8);
        window.sent(10, 1);
        window.sent(11, 2);
        window.acknowledge(10);

        window.mayHoldMore();
        window.startPull();

        assertFalse(window.offerPulled(1, true), "acknowledged");
        assertFalse(window.offerPulled(2, true), "in flight");
        assertTrue(window.offerPulled(3, true), "missed while the bus was away");
    }

    @Test
    void theInboxMayHoldMoreDuringAPullSoAnotherPullFollows() {
        DeliveryWindow window = drained(4);
        window.mayHoldMore();
        window.startPull();

        window.mayHoldMore();
        window.pullDone(false);

        assertTrue(window.shouldPull());
    }

    @Test
    void anEnvelopeInFlightIsNotSentTwice() {
        DeliveryWindow window = drained(4);
        window.sent(10, 1);

        assertEquals(Offer.DUPLICATE, window.offerLive(1, true));
        assertFalse(window.offerPulled(1, true));
    }

    @Test
    void anAcknowledgedEnvelopeIsNotSentAgainBeforeItsDeletionCommits() {
        DeliveryWindow window = drained(4);
        window.sent(10, 1);

        assertEquals(1, window.acknowledge(10));

        assertEquals(Offer.DUPLICATE, window.offerLive(1, true));
        window.deleted(List.of(1L));
        assertEquals(Offer.SEND, window.offerLive(1, true));
    }

    @Test
    void aDeletionThatCommitsDuringAPullStillHidesTheEnvelopeFromThatPull() {
        DeliveryWindow window = drained(4);
        window.sent(10, 1);
        window.acknowledge(10);
        window.startPull();

        window.deleted(List.of(1L)); // the pull's SELECT may have run before this commit

        assertFalse(window.offerPulled(1, true));
        window.pullDone(false);
        assertEquals(Offer.DUPLICATE, window.offerLive(1, true), "once that pull is done, the cursor remembers it");
    }

    @Test
    void aLiveOfferArrivingAfterAPullDeliveredTheEnvelopeAndItsDeletionCommittedIsADuplicate() {
        DeliveryWindow window = new DeliveryWindow(4, true);
        window.startPull();
        assertTrue(window.offerPulled(7, true));
        window.sent(10, 7);
        window.pullDone(false);
        window.acknowledge(10);
        window.deleted(List.of(7L));

        assertEquals(Offer.DUPLICATE, window.offerLive(7, true), "its bus message came after all that");
    }

    @Test
    void acknowledgingAnUnknownSequenceIsNothing() {
        assertEquals(0, drained(4).acknowledge(99));
    }

    @Test
    void aFullWindowDefersAndRemembersTheBacklog() {
        DeliveryWindow window = drained(2);
        window.sent(1, 1);
        window.sent(2, 2);

        assertEquals(Offer.DEFERRED, window.offerLive(3, true));
        assertTrue(window.backlog());
        assertFalse(window.shouldPull(), "no room yet");
        window.acknowledge(1);
        assertTrue(window.shouldPull());
    }

    @Test
    void aPullStopsAtTheFirstEnvelopeThatDoesNotFitAndResumesThere() {
        DeliveryWindow window = new DeliveryWindow(2, true);
        window.startPull();
        assertTrue(window.offerPulled(5, true));
        window.sent(1, 5);
        assertTrue(window.offerPulled(6, true));
        window.sent(2, 6);
        assertFalse(window.offerPulled(7, true));
        assertFalse(window.offerPulled(8, true), "nothing after a refusal, even if it would be settled");
        window.pullDone(true);

        assertEquals(6, window.cursor());
        assertTrue(window.backlog());
    }

    @Test
    void aLiveDeliveryDeferredDuringAPullKeepsTheBacklog() {
        DeliveryWindow window = new DeliveryWindow(4, true);
        window.startPull();

        assertEquals(Offer.DEFERRED, window.offerLive(9, true));
        window.pullDone(false);

        assertTrue(window.backlog(), "the pull's snapshot may have missed it");
    }

    @Test
    void aFailedPullIsRetried() {
        DeliveryWindow window = new DeliveryWindow(4, true);
        window.startPull();

        window.pullFailed();

        assertTrue(window.shouldPull());
    }

    @Test
    void aLiveDeliveryWaitsInTheInboxWhileTheReaderHasNoRoom() {
        DeliveryWindow window = drained(4);

        assertEquals(Offer.DEFERRED, window.offerLive(1, false));
        assertTrue(window.backlog(), "a later pull sends it");
        assertTrue(window.shouldPull());
    }

    @Test
    void aPullStopsWhereTheReaderRunsOutOfRoomAndResumesThere() {
        DeliveryWindow window = new DeliveryWindow(8, true);
        window.startPull();
        assertTrue(window.offerPulled(5, true));
        window.sent(1, 5);
        assertFalse(window.offerPulled(6, false));
        assertFalse(window.offerPulled(7, true), "nothing after the reader ran out of room");
        window.pullDone(false);

        assertEquals(5, window.cursor());
        assertTrue(window.backlog(), "what the reader had no room for is still queued");
    }

    @Test
    void aPullThatLeftMoreInTheInboxKeepsTheBacklog() {
        DeliveryWindow window = new DeliveryWindow(8, true);
        window.startPull();
        assertTrue(window.offerPulled(5, true));
        window.sent(1, 5);

        window.pullDone(true);

        assertTrue(window.shouldPull());
    }

    @Test
    void aWindowHoldsAtLeastTwo() {
        assertThrows(IllegalArgumentException.class, () -> new DeliveryWindow(1, true));
    }
}
