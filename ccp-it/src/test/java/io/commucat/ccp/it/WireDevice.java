package io.commucat.ccp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.commucat.ccp.client.handshake.DeviceHandshake;
import io.commucat.ccp.client.handshake.DeviceIdentity;
import io.commucat.ccp.client.handshake.EstablishedSession;
import io.commucat.ccp.client.handshake.UserHints;
import io.commucat.ccp.client.transport.ClientConnection;
import io.commucat.ccp.client.transport.DeviceConnection;
import io.commucat.ccp.client.transport.H2Response;
import io.commucat.ccp.client.transport.StreamClosure;
import io.commucat.ccp.crypto.Hex;
import io.commucat.ccp.crypto.keys.DeviceKeyPair;
import io.commucat.ccp.crypto.noise.NoiseKeyPair;
import io.commucat.ccp.crypto.noise.NoisePattern;
import io.commucat.ccp.proto.ControlJson;
import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.proto.FrameType;
import java.security.SecureRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A new device registered and connected through the transport layer ({@link DeviceConnection}
 * over any {@link ClientConnection}), below {@code CcpClient}: its frames are sent and awaited by
 * hand.
 */
final class WireDevice extends DeviceConnection.Listener {

    static final int WAIT_SECONDS = 10;
    private static final SecureRandom RANDOM = new SecureRandom();

    final String id;
    final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
    DeviceConnection connection;
    EstablishedSession session;

    private WireDevice(String id) {
        this.id = id;
    }

    /** Registers a new device of a new user {@code handle} by its first bootstrap (XK) over {@code connection}. */
    static WireDevice register(ClientConnection connection, String handle) throws Exception {
        H2Response info = connection.get("/api/server-info").get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals(200, info.status(), info.bodyText());
        JsonNode json = ControlJson.mapper().readTree(info.body());
        byte[] id = new byte[12];
        RANDOM.nextBytes(id);
        DeviceIdentity identity = new DeviceIdentity("dev-" + Hex.encode(id), DeviceKeyPair.generate(RANDOM),
                NoiseKeyPair.generate(RANDOM), null);
        DeviceHandshake handshake = new DeviceHandshake(identity, json.path("domain").asText(),
                Hex.decode(json.path("noise_public").asText()), DeviceHandshake.defaultPrologue(), NoisePattern.XK,
                UserHints.handle(handle), RANDOM);
        WireDevice device = new WireDevice(identity.deviceId());
        device.connection = DeviceConnection.start(connection, handshake, device);
        device.session = device.connection.established().get(WAIT_SECONDS, TimeUnit.SECONDS);
        return device;
    }

    @Override
    public void onFrame(Frame frame) {
        frames.add(frame);
    }

    /** Joins (or opens) {@code channel} with {@code members} and returns the server's answer. */
    Frame join(long channel, String... members) throws Exception {
        ObjectNode body = ControlJson.object();
        ArrayNode list = body.putArray("members");
        for (String member : members) {
            list.add(member);
        }
        return request(Frame.control(FrameType.JOIN, channel, connection.nextSequence(), body));
    }

    /** Sends {@code payload} as a Msg on {@code channel} and returns the server's answer. */
    Frame send(long channel, byte[] payload) throws Exception {
        return request(Frame.opaque(FrameType.MSG, channel, connection.nextSequence(), payload));
    }

    /** Sends {@code frame} and returns the Ack or Error that answers its sequence. */
    private Frame request(Frame frame) throws Exception {
        connection.send(frame).get(WAIT_SECONDS, TimeUnit.SECONDS);
        while (true) {
            Frame answer = next();
            if ((answer.type() == FrameType.ACK || answer.type() == FrameType.ERROR)
                    && answer.control().json().path("ack").asLong(-1) == frame.sequence()) {
                return answer;
            }
        }
    }

    /** The next frame of {@code type}, skipping others. */
    Frame next(FrameType type) throws InterruptedException {
        while (true) {
            Frame frame = next();
            if (frame.type() == type) {
                return frame;
            }
        }
    }

    private Frame next() throws InterruptedException {
        Frame frame = frames.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        assertNotNull(frame, "no frame within " + WAIT_SECONDS + " s; closed=" + connection.closed().getNow(null));
        return frame;
    }

    /** Ends the session (the device's upstream) and waits for the stream to end. */
    StreamClosure close() throws Exception {
        connection.endUpstream();
        return connection.closed().get(WAIT_SECONDS, TimeUnit.SECONDS);
    }
}
