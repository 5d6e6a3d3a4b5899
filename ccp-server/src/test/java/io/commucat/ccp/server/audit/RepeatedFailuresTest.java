package io.commucat.ccp.server.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.server.admission.ClientAddress;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which handshake failures are written one by one, and what the summaries of the rest hold. */
class RepeatedFailuresTest {

    static final ClientAddress A = new ClientAddress(1, false);
    static final ClientAddress B = new ClientAddress(2, false);
    static final Instant T0 = Instant.parse("2026-12-04T20:00:00Z");

    @Test
    void theFirstFailuresOfAnAddressAreWrittenAndTheRestCountedIntoOneSummary() {
        RepeatedFailures failures = new RepeatedFailures(2, 100);
        assertTrue(failures.writeOneByOne(A, "decode", T0));
        assertTrue(failures.writeOneByOne(A, "decode", T0));
        assertFalse(failures.writeOneByOne(A, "decode", T0.plusSeconds(1)));
        assertFalse(failures.writeOneByOne(A, "client-closed", T0.plusSeconds(2)));
        assertTrue(failures.writeOneByOne(B, "decode", T0), "another address has its own allowance");

        List<RepeatedFailures.Summary> summaries = failures.drain();

        assertEquals(List.of(new RepeatedFailures.Summary(A, 2, Map.of("decode", 1L, "client-closed", 1L),
                T0.plusSeconds(1), T0.plusSeconds(2))), summaries, "B had nothing suppressed");
    }

    @Test
    void aNewIntervalStartsEveryAddressAfresh() {
        RepeatedFailures failures = new RepeatedFailures(1, 100);
        failures.writeOneByOne(A, "decode", T0);
        failures.writeOneByOne(A, "decode", T0);
        assertEquals(1, failures.drain().size());
        assertTrue(failures.writeOneByOne(A, "decode", T0));
        assertTrue(failures.drain().isEmpty());
    }

    @Test
    void addressesPastTheTableShareOneSummarySoMemoryAndRecordsStayBounded() {
        RepeatedFailures failures = new RepeatedFailures(1, 1_000);
        int written = 0;
        for (long i = 0; i < 1_000_000; i++) {
            if (failures.writeOneByOne(new ClientAddress(i, true), "handshake", T0)) {
                written++;
            }
        }
        assertEquals(1_000, written, "one record each for the tracked addresses");
        List<RepeatedFailures.Summary> summaries = failures.drain();
        assertEquals(1, summaries.size());
        assertNull(summaries.get(0).address(), "the untracked addresses' summary");
        assertEquals(999_000, summaries.get(0).count());
    }
}
