package io.commucat.ccp.server.http;

import io.commucat.ccp.client.handshake.DeviceHandshake;
import io.commucat.ccp.client.handshake.EstablishedSession;
import io.commucat.ccp.crypto.noise.SecureFrameStream;
import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.proto.FrameCodec;
import io.commucat.ccp.proto.FrameType;
import io.commucat.ccp.proto.StreamingFrameDecoder;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.function.LongFunction;

/**
 * A real device session (the SDK's {@link DeviceHandshake}, Noise and frame codec) whose bytes
 * travel through a {@link WsDriver}: the bootstrap in plain frames, then sealed frames. Upstream
 * as binary messages, or as base64 text ({@link #sendAsText}). Test thread only.
 */
final class WsDevice {

    private final WsDriver ws;
    private final DeviceHandshake handshake;
    private final StreamingFrameDecoder plain = new StreamingFrameDecoder();
    private final ArrayDeque<Frame> frames = new ArrayDeque<>();
    private SecureFrameStream secure;
    private long sequence;
    EstablishedSession session;

    private WsDevice(WsDriver ws, DeviceHandshake handshake) {
        this.ws = ws;
        this.handshake = handshake;
    }

    /** Hello → Auth → Auth → Ack over {@code ws}. */
    static WsDevice bootstrap(WsDriver ws, DeviceHandshake handshake) throws Exception {
        WsDevice device = new WsDevice(ws, handshake);
        ws.send(WsWire.binary(FrameCodec.encode(handshake.hello())));
        ws.send(WsWire.binary(FrameCodec.encode(handshake.onServerAuth(device.nextPlain(FrameType.AUTH)))));
        device.session = handshake.onAck(device.nextPlain(FrameType.ACK));
        device.secure = device.session.frames();
        device.sequence = handshake.nextSequence();
        return device;
    }

    private Frame nextPlain(FrameType expected) throws Exception {
        while (frames.isEmpty()) {
            WsWire.Frame message = ws.next();
            plain.decode(ByteBuffer.wrap(message.payload()), frames::add);
        }
        Frame frame = frames.poll();
        if (frame.type() != expected) {
            throw new AssertionError("expected " + expected + ", got " + frame);
        }
        return frame;
    }

    /** Seals and sends a frame built for the next sequence number; returns that number. */
    long send(LongFunction<Frame> frame) throws Exception {
        long seq = sequence++;
        ws.send(WsWire.binary(secure.seal(frame.apply(seq))));
        return seq;
    }

    /** As {@link #send}, as one text message holding base64 of the sealed bytes. */
    long sendAsText(LongFunction<Frame> frame) throws Exception {
        long seq = sequence++;
        ws.send(WsWire.text(Base64.getEncoder().encodeToString(secure.seal(frame.apply(seq)))));
        return seq;
    }

    /** The next decrypted frame from the server. */
    Frame next() throws Exception {
        while (frames.isEmpty()) {
            WsWire.Frame message = ws.next();
            if (message.opcode() == WsWire.BINARY || message.opcode() == WsWire.CONTINUATION) {
                secure.open(message.payload(), 0, message.payload().length, frames::add);
            } else if (message.opcode() == WsWire.CLOSE) {
                throw new AssertionError("the server closed the WebSocket: " + message.closeCode());
            }
        }
        return frames.poll();
    }

    /** The next frame of {@code type}, skipping others (presence, acks of earlier frames). */
    Frame next(FrameType type) throws Exception {
        for (Frame frame = next(); ; frame = next()) {
            if (frame.type() == type) {
                return frame;
            }
        }
    }

    /** The answer (Ack or Error) to the frame with {@code seq}. */
    Frame answerTo(long seq) throws Exception {
        for (Frame frame = next(); ; frame = next()) {
            if ((frame.type() == FrameType.ACK || frame.type() == FrameType.ERROR)
                    && frame.control().json().path("ack").asLong(-1) == seq) {
                return frame;
            }
        }
    }
}
