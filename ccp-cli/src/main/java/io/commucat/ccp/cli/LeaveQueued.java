package io.commucat.ccp.cli;

import io.commucat.ccp.client.IncomingMessage;
import io.commucat.ccp.client.SessionListener;

/**
 * Thrown from {@link SessionListener#onMessage} for a message the command does not take (another
 * channel, or past {@code listen --count}): the SDK then does not acknowledge it, and the server
 * delivers it again to the device's next session. A command never swallows what it did not show.
 */
final class LeaveQueued extends RuntimeException {

    static final LeaveQueued INSTANCE = new LeaveQueued();

    /** {@code send}'s listener: it shows nothing, so it takes nothing. */
    static final SessionListener TAKE_NOTHING = new SessionListener() {
        @Override
        public void onMessage(IncomingMessage message) {
            throw INSTANCE;
        }
    };

    private LeaveQueued() {
        super("left queued for the next session", null, false, false);
    }
}
