package io.commucat.ccp.server.storage;

import java.util.List;

/**
 * One read of a device's queue ({@link Inbox#pending}).
 *
 * @param envelopes oldest first
 * @param more      whether envelopes beyond these were left for a later read (the read's count
 *                  or byte limit cut it); false means the queue held no more at the read
 */
public record InboxPage(List<Envelope> envelopes, boolean more) {

    public InboxPage {
        envelopes = List.copyOf(envelopes);
    }
}
