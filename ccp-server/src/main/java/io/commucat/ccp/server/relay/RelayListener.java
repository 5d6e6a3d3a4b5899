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

    /** One inbox transaction committed {@code rows} inserted envelopes, or deleted ones. */
    default void committed(boolean insert, int rows) {
    }
}
