package io.commucat.ccp.server.handshake;

import java.time.Instant;
import java.util.List;

/**
 * The server's Noise static keys as the handshake sees them. Implementations keep the catalog
 * in memory (loaded from the Secrets port and refreshed on rotation), so these calls never
 * block and may run on an event loop.
 */
public interface NoiseKeyRing {

    /**
     * Keys that may complete a handshake at {@code now} (valid, not expired: the rotation grace
     * period included), newest first (§3.2 step 5).
     */
    List<ActiveNoiseKey> active(Instant now);

    /** The whole catalog as announced in Ack and server-info, newest first. */
    List<ActiveNoiseKey> catalog(Instant now);
}
