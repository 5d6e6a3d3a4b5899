package io.commucat.ccp.server.relay;

import java.util.List;

/**
 * Queued envelopes read for one device, as deliveries ({@link Relay#pending}).
 *
 * @param deliveries oldest first
 * @param more       whether the inbox holds more after these
 */
public record Backlog(List<Delivery> deliveries, boolean more) {

    public Backlog {
        deliveries = List.copyOf(deliveries);
    }
}
