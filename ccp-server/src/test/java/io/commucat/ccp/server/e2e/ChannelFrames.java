package io.commucat.ccp.server.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.commucat.ccp.proto.ControlJson;
import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.proto.FrameType;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;

/** Channel frames a test device sends, and the answers it waits for (ccp-1.md §4.2–4.4). */
final class ChannelFrames {

    private ChannelFrames() {
    }

    static Frame answerTo(DeviceRun run, long sequence) throws Exception {
        while (true) {
            Frame frame = run.nextFrame();
            if ((frame.type() == FrameType.ACK || frame.type() == FrameType.ERROR)
                    && frame.control().json().path("ack").asLong(-1) == sequence) {
                return frame;
            }
        }
    }

    static Frame nextOfType(DeviceRun run, FrameType type) throws Exception {
        while (true) {
            Frame frame = run.nextFrame();
            if (frame.type() == type) {
                return frame;
            }
        }
    }

    static long send(DeviceRun run, LongFunction<Frame> frame) throws Exception {
        long sequence = run.connection.nextSequence();
        run.connection.send(frame.apply(sequence)).get(DeviceRun.WAIT_SECONDS, TimeUnit.SECONDS);
        return sequence;
    }

    static void assertAcked(DeviceRun run, long sequence) throws Exception {
        Frame answer = answerTo(run, sequence);
        assertEquals(FrameType.ACK, answer.type(), answer.toString());
    }

    static long join(DeviceRun run, long channel, String... members) throws Exception {
        ObjectNode body = ControlJson.object();
        var list = body.putArray("members");
        for (String member : members) {
            list.add(member);
        }
        return send(run, seq -> Frame.control(FrameType.JOIN, channel, seq, body));
    }

    /** A new channel id (u32, never 0). */
    static long newChannel() {
        return ThreadLocalRandom.current().nextLong(1, 1L << 32);
    }

    /** The first device opens a new channel listing the second, which joins it; returns the channel. */
    static long openTogether(DeviceRun first, DeviceRun second, String secondId) throws Exception {
        long channel = newChannel();
        assertAcked(first, join(first, channel, secondId));
        assertAcked(second, join(second, channel));
        return channel;
    }

    static long msg(DeviceRun run, long channel, String text) throws Exception {
        return send(run, seq -> Frame.opaque(FrameType.MSG, channel, seq, text.getBytes(StandardCharsets.UTF_8)));
    }

    /** {@code from} announces {@code state}; its channel peer {@code peer} receives it (§4.3 Deviation). */
    static void assertPresenceReaches(DeviceRun from, String fromId, DeviceRun peer, String state) throws Exception {
        send(from, seq -> Frame.control(FrameType.PRESENCE, 0, seq, ControlJson.object().put("state", state)));

        Frame presence = nextOfType(peer, FrameType.PRESENCE);
        assertEquals(fromId, presence.control().text("device"));
        assertEquals(state, presence.control().text("state"));
    }

    static String text(Frame frame) {
        return new String(frame.opaque().toByteArray(), StandardCharsets.UTF_8);
    }
}
