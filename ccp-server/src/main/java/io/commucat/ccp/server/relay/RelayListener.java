package io.commucat.ccp.server.relay;

import io.commucat.ccp.proto.FrameType;

/**
 * What the relay reports for metrics. Called on storage and inbox-writer threads; must not
 * block.
 */
public interface RelayListener {

    /** Nothing is reported. */
    RelayListener NONE = new RelayListener() {
    };

    /** A device's channel frame was accepted (a durable one: committed) for {@code recipients} devices. */
    default void accepted(FrameType type, int recipients) {
    }

    /** A device's channel frame was refused. */
    default void refused(FrameType type, RelayException.Kind kind) {
    }

    /**
     * A live frame that is never queued (typing, call, media, presence) was dropped because its
     * recipient's reader was too far behind; called on the recipient's event loop.
     */
    default void droppedLive(FrameType type) {
    }

    /**
     * A session stopped reading its device's upstream because too many of its frames waited for
     * storage (storage back-pressure); called on the session's event loop.
     */
    default void upstreamPaused() {
    }

    /** One inbox transaction committed {@code rows} inserted envelopes, or deleted ones. */
    default void committed(boolean insert, int rows) {
    }
}
