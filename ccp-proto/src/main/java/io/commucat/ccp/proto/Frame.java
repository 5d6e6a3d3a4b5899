package io.commucat.ccp.proto;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * One CCP-1 frame (spec §2): {@code type || varint(channel_id) || varint(sequence) ||
 * varint(len) || payload}. Construction enforces every protocol limit, so a {@code Frame} always
 * encodes.
 *
 * @param type the frame type
 * @param channelId unsigned 32-bit channel id
 * @param sequence unsigned 32-bit sequence number
 * @param payload a {@link ControlPayload} or {@link OpaquePayload}, as {@code type} demands
 */
public record Frame(FrameType type, long channelId, long sequence, Payload payload) {

    public Frame {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(payload, "payload");
        if (channelId < 0 || channelId > FrameLimits.MAX_U32) {
            throw new IllegalArgumentException("channel id out of range 0..2^32-1: " + channelId);
        }
        if (sequence < 0 || sequence > FrameLimits.MAX_U32) {
            throw new IllegalArgumentException("sequence out of range 0..2^32-1: " + sequence);
        }
        if (payload.kind() != type.payloadKind()) {
            throw new IllegalArgumentException(type.wireName() + " takes a " + type.payloadKind() + " payload");
        }
        if (payload.kind() == PayloadKind.CONTROL && payload.length() > FrameLimits.PROTOCOL_MAX_CONTROL) {
            throw new IllegalArgumentException("control payload over " + FrameLimits.PROTOCOL_MAX_CONTROL + " bytes");
        }
        if (bodyLength(channelId, sequence, payload.length()) > FrameLimits.PROTOCOL_MAX_BODY) {
            throw new IllegalArgumentException("frame body over " + FrameLimits.PROTOCOL_MAX_BODY + " bytes");
        }
    }

    /** A control frame carrying a copy of {@code json}. */
    public static Frame control(FrameType type, long channelId, long sequence, ObjectNode json) {
        return new Frame(type, channelId, sequence, ControlPayload.of(json));
    }

    /** An opaque frame carrying a copy of {@code bytes}. */
    public static Frame opaque(FrameType type, long channelId, long sequence, byte[] bytes) {
        return new Frame(type, channelId, sequence, OpaquePayload.of(bytes));
    }

    /** The control payload; fails for opaque frame types. */
    public ControlPayload control() {
        if (payload instanceof ControlPayload c) {
            return c;
        }
        throw new IllegalStateException(type.wireName() + " carries an opaque payload");
    }

    /** The opaque payload; fails for control frame types. */
    public OpaquePayload opaque() {
        if (payload instanceof OpaquePayload o) {
            return o;
        }
        throw new IllegalStateException(type.wireName() + " carries a control payload");
    }

    /** The same frame with another sequence number (relays renumber frames per connection). */
    public Frame withSequence(long newSequence) {
        return new Frame(type, channelId, newSequence, payload);
    }

    /** Bytes of the body: type byte, the three varints and the payload. */
    public int bodyLength() {
        return (int) bodyLength(channelId, sequence, payload.length());
    }

    /** Bytes of the whole encoding, length prefix included. */
    public int encodedLength() {
        int body = bodyLength();
        return Varint.size(body) + body;
    }

    static long bodyLength(long channelId, long sequence, int payloadLength) {
        return 1L + Varint.size(channelId) + Varint.size(sequence) + Varint.size(payloadLength) + payloadLength;
    }

    @Override
    public String toString() {
        return type.wireName() + "{channel=" + channelId + ", seq=" + sequence + ", " + payload + "}";
    }
}
