package io.commucat.ccp.server.relay;

import io.commucat.ccp.proto.Frame;

/**
 * A frame on its way to one device.
 *
 * @param recipient the device
 * @param frame the frame as the sender sent it (the recipient's session assigns the sequence)
 * @param envelopeId the inbox envelope that holds it until the device acknowledges it, or 0 for
 *     a frame that is never queued (typing, calls, media, presence)
 */
public record Delivery(String recipient, Frame frame, long envelopeId) {

    public boolean durable() {
        return envelopeId != 0;
    }
}
