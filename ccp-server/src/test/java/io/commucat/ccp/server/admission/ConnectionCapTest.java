package io.commucat.ccp.server.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Concurrent connections per address: counted at accept, released at close. */
class ConnectionCapTest {

    static final ClientAddress A = new ClientAddress(1, false);
    static final ClientAddress B = new ClientAddress(2, false);

    final List<String> refusals = new ArrayList<>();

    @Test
    void theConnectionOverTheCapIsRefusedAndCounted() {
        ConnectionCap cap = new ConnectionCap(2, refusals::add);
        assertTrue(cap.tryOpen(A));
        assertTrue(cap.tryOpen(A));
        assertFalse(cap.tryOpen(A));
        assertTrue(cap.tryOpen(B), "another address has its own count");
        assertEquals(2, cap.openConnections(A));
        assertEquals(List.of("connections"), refusals);
    }

    @Test
    void aClosedConnectionMakesRoomAndAnAddressWithoutConnectionsLeavesTheTable() {
        ConnectionCap cap = new ConnectionCap(1, refusals::add);
        assertTrue(cap.tryOpen(A));
        cap.closed(A);
        assertEquals(0, cap.trackedAddresses());
        assertTrue(cap.tryOpen(A));
    }

    @Test
    void theTableHoldsOnlyAddressesWithOpenConnections() {
        ConnectionCap cap = new ConnectionCap(4, refusals::add);
        for (long i = 0; i < 100_000; i++) {
            ClientAddress address = new ClientAddress(i, false);
            cap.tryOpen(address);
            cap.closed(address);
        }
        assertEquals(0, cap.trackedAddresses());
    }
}
