package io.commucat.ccp.client;

import io.commucat.ccp.proto.Frame;
import java.util.concurrent.CompletionStage;

/**
 * What a {@link CcpSession} hands the application, in the order the server sent it, one call at
 * a time, on the client's callback executor (never an I/O thread). Every hook does nothing by
 * default. A hook that throws does not stop the ones after it.
 */
public interface SessionListener {

    /**
     * A message on a channel. When this returns the session acknowledges it to the server, which
     * then deletes it from the device's inbox: a message whose handling throws, or that arrives
     * while the link breaks, is delivered again after the next bootstrap (at least once), and
     * the session's {@link Deduplication} keeps the application from seeing it twice.
     */
    default void onMessage(IncomingMessage message) {
    }

    /**
     * The asynchronous form of {@link #onMessage}, for handlers that finish later (a database
     * write, a {@link java.util.concurrent.Flow.Subscriber} without demand): the message is
     * acknowledged when the returned stage completes normally, and nothing else reaches the
     * listener before it completes, so a slow handler slows the server's deliveries down (it
     * keeps at most 256 unacknowledged messages in flight per session) instead of filling
     * memory. A stage that completes exceptionally leaves the message unacknowledged: it is not
     * counted as delivered and comes again after the next bootstrap (as when {@code onMessage}
     * throws). By default it calls {@link #onMessage} and completes at once.
     */
    default CompletionStage<Void> onMessageAsync(IncomingMessage message) {
        onMessage(message);
        return DispatchChain.done();
    }

    /** Any other frame the server sends (presence, key updates, group events, typing, errors ...). */
    default void onFrame(Frame frame) {
    }

    /**
     * The link changed: {@link SessionState#RECONNECTING} with why (the link broke, or an
     * attempt failed; requests wait meanwhile), {@link SessionState#CONNECTED} after a
     * successful reconnect. The session's end comes through {@link #onClosed}.
     *
     * @param cause why the link is down; null for {@code CONNECTED}
     */
    default void onStateChanged(SessionState state, CcpException cause) {
    }

    /**
     * The session ended; always last, exactly once.
     *
     * @param failure why, or null when the application closed it
     */
    default void onClosed(CcpException failure) {
    }
}
