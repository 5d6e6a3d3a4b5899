package io.commucat.ccp.server.cluster;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.commucat.ccp.proto.CodecException;
import io.commucat.ccp.proto.ControlJson;
import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.proto.FrameType;
import io.commucat.ccp.proto.PayloadKind;
import io.commucat.ccp.server.relay.Delivery;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.DateTimeException;
import java.time.Instant;

/**
 * What one node tells another, and its bytes on the bus: a version byte, a kind byte, then the
 * fields (Java's modified UTF-8 for text, big-endian numbers). Nodes of one cluster run one
 * version; a message of another version is refused, not guessed at.
 */
public sealed interface ClusterMessage {

    int VERSION = 1;

    /** A frame for a device connected to the receiving node. */
    record Deliver(Delivery delivery) implements ClusterMessage {
    }

    /**
     * The device has a session on another node, established at {@code since}: the receiving node
     * ends its own session of the device if that one is older (a device that came back to the
     * receiving node meanwhile keeps its newer session).
     */
    record Replace(String deviceId, Instant since) implements ClusterMessage {
    }

    /**
     * The device was revoked (broadcast to every node): each node ends its session of the device
     * at once, and one that is still being established when this arrives.
     */
    record Revoke(String deviceId) implements ClusterMessage {
    }

    /**
     * The members of a channel changed (broadcast to every node by the node that changed them):
     * each node drops what its membership cache holds for the channel.
     */
    record ChannelChanged(long channelId) implements ClusterMessage {
    }

    /** A message that is not one of ours. */
    final class MalformedException extends Exception {
        MalformedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    static byte[] encode(ClusterMessage message) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            if (message instanceof Deliver d) {
                Frame frame = d.delivery().frame();
                out.writeByte(1);
                out.writeUTF(d.delivery().recipient());
                out.writeLong(d.delivery().envelopeId());
                out.writeByte(frame.type().code());
                out.writeInt((int) frame.channelId());
                byte[] payload = frame.payload().toByteArray();
                out.writeInt(payload.length);
                out.write(payload);
            } else if (message instanceof Replace r) {
                out.writeByte(2);
                out.writeUTF(r.deviceId());
                out.writeLong(r.since().getEpochSecond());
                out.writeInt(r.since().getNano());
            } else if (message instanceof Revoke r) {
                out.writeByte(3);
                out.writeUTF(r.deviceId());
            } else {
                out.writeByte(4);
                out.writeInt((int) ((ChannelChanged) message).channelId());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory", e);
        }
        return bytes.toByteArray();
    }

    static ClusterMessage decode(byte[] bytes) throws MalformedException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new MalformedException("cluster message version " + version + ", expected " + VERSION, null);
            }
            int kind = in.readUnsignedByte();
            ClusterMessage message = switch (kind) {
                case 1 -> deliver(in);
                case 2 -> new Replace(in.readUTF(), Instant.ofEpochSecond(in.readLong(), in.readInt()));
                case 3 -> new Revoke(in.readUTF());
                case 4 -> new ChannelChanged(Integer.toUnsignedLong(in.readInt()));
                default -> throw new MalformedException("unknown cluster message kind " + kind, null);
            };
            if (in.available() > 0) {
                throw new MalformedException("trailing bytes after a cluster message", null);
            }
            return message;
        } catch (IOException | IllegalArgumentException | DateTimeException e) {
            throw new MalformedException("cluster message does not decode: " + e.getMessage(), e);
        }
    }

    private static Deliver deliver(DataInputStream in) throws IOException, MalformedException {
        String recipient = in.readUTF();
        long envelopeId = in.readLong();
        int code = in.readUnsignedByte();
        FrameType type = FrameType.fromCode(code);
        if (type == null) {
            throw new MalformedException("unknown frame type " + code, null);
        }
        long channel = Integer.toUnsignedLong(in.readInt());
        int length = in.readInt();
        if (length < 0 || length > in.available()) {
            throw new MalformedException("payload length " + length + " exceeds the message", null);
        }
        byte[] payload = in.readNBytes(length);
        Frame frame = type.payloadKind() == PayloadKind.OPAQUE ? Frame.opaque(type, channel, 0, payload)
                : Frame.control(type, channel, 0, parse(payload));
        return new Deliver(new Delivery(recipient, frame, envelopeId));
    }

    private static ObjectNode parse(byte[] payload) throws MalformedException {
        try {
            return ControlJson.parseObject(payload, 0, payload.length);
        } catch (CodecException e) {
            throw new MalformedException("control payload does not parse: " + e.kind().label(), e);
        }
    }
}
