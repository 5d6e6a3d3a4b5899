package io.commucat.ccp.bench.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The soak's bookkeeping: one channel of three devices (0, 1, 2), two windows. */
class LedgerTest {

    private final Ledger ledger = new Ledger(new int[] {0, 0, 0}, List.of(new int[] {0, 1, 2}), 2);

    @Test
    void anAcknowledgedMessageCountsAsLostForEveryMemberThatDidNotGetIt() {
        long seq = ledger.sent(0);
        ledger.acked(0, seq);
        ledger.delivered(1, 0, seq);

        assertEquals(1, ledger.tally(-1).lost());
        assertFalse(ledger.deliveredToAll(0, seq));
        ledger.delivered(2, 0, seq);
        assertEquals(0, ledger.tally(-1).lost());
        assertTrue(ledger.deliveredToAll(0, seq));
    }

    @Test
    void aMessageNeverAcknowledgedIsNotLostButPendingOrRefused() {
        ledger.sent(0);
        long refused = ledger.sent(0);
        ledger.refused(0, refused, "closed");

        Ledger.Tally tally = ledger.tally(-1);
        assertEquals(0, tally.lost());
        assertEquals(1, tally.pending());
        assertEquals(Map.of("closed", 1L), tally.refused());
    }

    @Test
    void theSameMessageTwiceToOneRecipientIsADuplicate() {
        long seq = ledger.sent(0);
        ledger.delivered(1, 0, seq);
        ledger.delivered(1, 0, seq);
        ledger.delivered(2, 0, seq);

        assertEquals(1, ledger.tally(-1).duplicated());
        assertEquals(3, ledger.tally(-1).delivered());
    }

    @Test
    void aLowerSeqAfterAHigherFromTheSameSenderIsReordered() {
        long first = ledger.sent(0);
        long second = ledger.sent(0);
        ledger.delivered(1, 0, second);
        ledger.delivered(1, 0, first);
        ledger.delivered(2, 0, first);
        ledger.delivered(2, 0, second);

        assertEquals(1, ledger.tally(-1).reordered());
    }

    @Test
    void outcomesCountInTheWindowTheMessageWasSentIn() {
        long early = ledger.sent(0);
        ledger.openWindow(1);
        ledger.acked(0, early);
        ledger.delivered(1, 0, early);

        assertEquals(1, ledger.tally(0).acked());
        assertEquals(1, ledger.tally(0).delivered());
        assertEquals(1, ledger.tally(0).lost());
        assertEquals(0, ledger.tally(1).sent());
    }
}
