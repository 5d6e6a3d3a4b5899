package io.commucat.ccp.client;

import io.commucat.ccp.proto.Frame;

/**
 * What a {@link CcpSession} hands the application, in the order the server sent it, one call at
 * a time, on the client's callback executor (never an I/O thread). Every hook does nothing by
 * default.
 */
public interface SessionListener {

    /**
     * A message on a channel. When this returns the session acknowledges it to the server, which
     * then deletes it from the device's inbox: a message whose handling throws, or that arrives
     * while the session ends, is delivered again after the next connect (at least once).
     */
    default void onMessage(IncomingMessage message) {
    }

    /** Any other frame the server sends (presence, key updates, group events, typing ...). */
    default void onFrame(Frame frame) {
    }

    /**
     * The session ended; always last, exactly once.
     *
     * @param failure why, or null when the application closed it
     */
    default void onClosed(CcpException failure) {
    }
}
