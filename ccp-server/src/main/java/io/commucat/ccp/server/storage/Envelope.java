package io.commucat.ccp.server.storage;

import io.commucat.ccp.proto.FrameType;
import java.time.Instant;

/**
 * A frame queued for one device until it acknowledges it (ccp-1.md §4.2, delivery guarantee).
 *
 * @param id the envelope id the Inbox assigned (0 before it is queued); ids grow in queue order
 * @param recipient the device it is queued for
 * @param channelId the channel the frame travels on
 * @param type the frame type (Msg, KeyUpdate or a Group frame)
 * @param payload the frame's payload bytes, exactly as the sender sent them. The envelope takes
 *     ownership of the array without copying it: one frame's envelopes for many recipients share
 *     one array, so a large frame to a large channel is held once. Nobody writes to it afterwards.
 * @param sender the device that sent it
 * @param expiresAt when it is dropped undelivered ({@code relay_ttl} after queueing)
 */
public record Envelope(long id, String recipient, long channelId, FrameType type, byte[] payload, String sender,
        Instant queuedAt, Instant expiresAt) {

    public Envelope {
        java.util.Objects.requireNonNull(payload, "payload");
    }

    /** A copy of the payload. */
    @Override
    public byte[] payload() {
        return payload.clone();
    }

    public int payloadLength() {
        return payload.length;
    }

    /**
     * The payload array itself, for a storage adapter that hands it to its driver as it is; the
     * caller must not write to it (the envelopes of one frame share it).
     */
    public byte[] sharedPayload() {
        return payload;
    }

    /** The payload, read without copying (for writing it to storage). */
    public java.io.InputStream payloadStream() {
        return new java.io.ByteArrayInputStream(payload);
    }

    /** The same envelope with the id the Inbox assigned. */
    public Envelope withId(long newId) {
        return new Envelope(newId, recipient, channelId, type, payload, sender, queuedAt, expiresAt);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Envelope e && id == e.id && recipient.equals(e.recipient) && channelId == e.channelId
                && type == e.type && java.util.Arrays.equals(payload, e.payload) && sender.equals(e.sender)
                && queuedAt.equals(e.queuedAt) && expiresAt.equals(e.expiresAt);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(id) * 31 + recipient.hashCode();
    }

    @Override
    public String toString() {
        return "Envelope[" + id + " " + type.wireName() + " " + sender + " → " + recipient + " on " + channelId + ", "
                + payload.length + " bytes]";
    }
}
