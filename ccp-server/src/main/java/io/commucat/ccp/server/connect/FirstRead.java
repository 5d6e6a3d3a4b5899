package io.commucat.ccp.server.connect;

import io.commucat.ccp.server.relay.Backlog;

/**
 * A known device's inbox as its bootstrap read it, in the storage task that recorded the
 * session, so the session starts without a hand-off of its own for that read. Deliveries between
 * the read and the session's registration are caught by the {@code arrival}
 * ({@link SessionRegistry#arrived}).
 *
 * @param arrival what the registry noted for the device meanwhile
 * @param page    the first page, or {@code null} when the read failed (the session reads again)
 */
record FirstRead(SessionRegistry.Arrival arrival, Backlog page) {
}
