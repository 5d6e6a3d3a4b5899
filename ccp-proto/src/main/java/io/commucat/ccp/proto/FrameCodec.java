package io.commucat.ccp.proto;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.commucat.ccp.proto.CodecException.Kind;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Encodes frames and decodes them from contiguous buffers (spec §2). Stateless and thread-safe;
 * {@link StreamingFrameDecoder} decodes from arbitrary chunks.
 *
 * <p>Checks run in the order the spec fixes: length varint, frame limit, body present, type,
 * channel id, sequence, payload length and limit, payload present, trailing bytes, control limit,
 * control JSON. The frame limit is checked before anything is allocated, and decoding allocates
 * the payload once, never more than the frame's size.
 */
public final class FrameCodec {

    private final FrameLimits limits;

    public FrameCodec(FrameLimits limits) {
        this.limits = limits;
    }

    /** A codec with the protocol's limits. */
    public static FrameCodec standard() {
        return STANDARD;
    }

    private static final FrameCodec STANDARD = new FrameCodec(FrameLimits.DEFAULT);

    public FrameLimits limits() {
        return limits;
    }

    // ---- encoding ----

    /** The full length-prefixed encoding of {@code frame}. */
    public static byte[] encode(Frame frame) {
        byte[] out = new byte[frame.encodedLength()];
        encode(frame, out, 0);
        return out;
    }

    /**
     * Writes the encoding of {@code frame} into {@code out} at {@code offset}.
     *
     * @return the offset after the frame
     */
    public static int encode(Frame frame, byte[] out, int offset) {
        int p = Varint.write(frame.bodyLength(), out, offset);
        out[p++] = (byte) frame.type().code();
        p = Varint.write(frame.channelId(), out, p);
        p = Varint.write(frame.sequence(), out, p);
        Payload payload = frame.payload();
        p = Varint.write(payload.length(), out, p);
        payload.copyTo(out, p);
        return p + payload.length();
    }

    /** Writes the encoding of {@code frame} at the buffer's position, advancing it. */
    public static void encode(Frame frame, ByteBuffer out) {
        if (out.hasArray()) {
            int end = encode(frame, out.array(), out.arrayOffset() + out.position());
            out.position(end - out.arrayOffset());
        } else {
            out.put(encode(frame));
        }
    }

    // ---- contiguous decoding ----

    /**
     * Decodes one frame at the buffer's position. On success the position moves past the frame.
     *
     * @return the frame, or {@code null} when the buffer ends inside the length prefix or before
     *     the end of the declared body ("need more bytes"; the position does not move)
     * @throws CodecException for every other problem; the stream cannot go on
     */
    public Frame decode(ByteBuffer in) throws CodecException {
        Varint.Decoded len = Varint.peek(in);
        if (len == null) {
            return null;
        }
        int bodyLength = checkBodyLength(len.value());
        if (in.remaining() - len.length() < bodyLength) {
            return null;
        }
        int bodyStart = in.position() + len.length();
        Frame frame;
        if (in.hasArray()) {
            frame = decodeBody(in.array(), in.arrayOffset() + bodyStart, bodyLength, false);
        } else {
            byte[] body = new byte[bodyLength];
            in.get(bodyStart, body);
            frame = decodeBody(body, 0, bodyLength, true);
        }
        in.position(bodyStart + bodyLength);
        return frame;
    }

    /**
     * Decodes the frame at the start of {@code bytes}, treating the end of the array as the end
     * of the stream: where {@link #decode(ByteBuffer)} would ask for more, this fails with {@link
     * Kind#UNEXPECTED_EOF}.
     */
    public Decoded decodeFirst(byte[] bytes) throws CodecException {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        Frame frame = decode(in);
        if (frame == null) {
            throw new CodecException(Kind.UNEXPECTED_EOF, "input ends inside a frame");
        }
        return new Decoded(frame, in.position());
    }

    /** A frame decoded from the start of a buffer and the number of bytes it took. */
    public record Decoded(Frame frame, int length) {
    }

    /** Validates a length prefix against the limit before anything is allocated for the body. */
    int checkBodyLength(long declared) throws CodecException {
        if (Long.compareUnsigned(declared, limits.maxBodyBytes()) > 0) {
            throw new CodecException(Kind.FRAME_TOO_LARGE, "frame body exceeds " + limits.maxBodyBytes() + " bytes");
        }
        return (int) declared;
    }

    /**
     * Decodes a complete body.
     *
     * @param owned whether {@code body} belongs to the decoder, so payloads may be views of it
     *     instead of copies
     */
    Frame decodeBody(byte[] body, int offset, int length, boolean owned) throws CodecException {
        int end = offset + length;
        int p = offset;
        if (p >= end) {
            throw new CodecException(Kind.UNEXPECTED_EOF, "empty frame body");
        }
        int code = body[p++] & 0xFF;
        FrameType type = FrameType.fromCode(code);
        if (type == null) {
            throw new CodecException(Kind.INVALID_FRAME_TYPE, "unknown frame type 0x" + Integer.toHexString(code));
        }

        Varint.Decoded channel = bodyVarint(body, p, end, "channel id");
        if (Long.compareUnsigned(channel.value(), FrameLimits.MAX_U32) > 0) {
            throw new CodecException(Kind.CHANNEL_ID_TOO_LARGE, "channel id exceeds 2^32-1");
        }
        p += channel.length();

        Varint.Decoded sequence = bodyVarint(body, p, end, "sequence");
        if (Long.compareUnsigned(sequence.value(), FrameLimits.MAX_U32) > 0) {
            throw new CodecException(Kind.SEQUENCE_TOO_LARGE, "sequence exceeds 2^32-1");
        }
        p += sequence.length();

        Varint.Decoded payloadLen = bodyVarint(body, p, end, "payload length");
        if (Long.compareUnsigned(payloadLen.value(), limits.maxPayloadBytes()) > 0) {
            throw new CodecException(Kind.PAYLOAD_TOO_LARGE, "payload exceeds " + limits.maxPayloadBytes() + " bytes");
        }
        p += payloadLen.length();
        int payloadLength = (int) payloadLen.value();
        if (payloadLength > end - p) {
            throw new CodecException(Kind.UNEXPECTED_EOF, "payload runs past the end of the body");
        }
        if (payloadLength < end - p) {
            throw new CodecException(Kind.TRAILING_BYTES, (end - p - payloadLength) + " bytes after the payload");
        }

        Payload payload;
        if (type.payloadKind() == PayloadKind.CONTROL) {
            if (payloadLength > limits.maxControlBytes()) {
                throw new CodecException(Kind.CONTROL_TOO_LARGE, "control payload exceeds " + limits.maxControlBytes() + " bytes");
            }
            ObjectNode json = ControlJson.parseObject(body, p, payloadLength);
            payload = owned
                    ? ControlPayload.adopt(json, body, p, payloadLength)
                    : ControlPayload.adopt(json, Arrays.copyOfRange(body, p, end), 0, payloadLength);
        } else {
            payload = owned
                    ? OpaquePayload.adopt(body, p, payloadLength)
                    : OpaquePayload.adopt(Arrays.copyOfRange(body, p, end), 0, payloadLength);
        }
        return new Frame(type, channel.value(), sequence.value(), payload);
    }

    private static Varint.Decoded bodyVarint(byte[] body, int p, int end, String field) throws CodecException {
        Varint.Decoded v = Varint.decode(body, p, end);
        if (v == null) {
            throw new CodecException(Kind.UNEXPECTED_EOF, field + " runs past the end of the body");
        }
        return v;
    }
}
