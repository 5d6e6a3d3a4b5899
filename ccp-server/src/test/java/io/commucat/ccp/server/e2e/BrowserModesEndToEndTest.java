package io.commucat.ccp.server.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.client.handshake.DeviceHandshake;
import io.commucat.ccp.client.handshake.EstablishedSession;
import io.commucat.ccp.client.handshake.UserHints;
import io.commucat.ccp.crypto.noise.NoisePattern;
import io.commucat.ccp.crypto.noise.SecureFrameStream;
import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.proto.FrameCodec;
import io.commucat.ccp.proto.FrameType;
import io.commucat.ccp.proto.StreamingFrameDecoder;
import io.commucat.ccp.server.datadir.DataDirectory;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A real node and a real device (the SDK's {@link DeviceHandshake}) whose transport is a browser
 * fallback: the bootstrap and an encrypted exchange over SSE and over long-poll, each with
 * companion POSTs, on HTTP/1.1 and HTTP/2. The node's session core is the one binary mode uses.
 */
@Timeout(90)
class BrowserModesEndToEndTest {

    static E2eNodes nodes;
    static TestNode node;

    @BeforeAll
    static void startNode() throws Exception {
        nodes = E2eNodes.open("browser", runId -> new EmbeddedBackend());
        // Short polls, so the long-poll run crosses several of them.
        node = nodes.start("main", Map.of("CCP_SECURITY_DOWNSTREAM_POLL_TIMEOUT", "1"));
    }

    @AfterAll
    static void stopNode() {
        nodes.close();
    }

    private BrowserLink link(boolean sse, HttpClient.Version version) throws Exception {
        var ca = node.data.root().resolve(DataDirectory.DEV_CA_CERT);
        return sse ? BrowserLink.sse(node.node.port(), ca, version) : BrowserLink.longPoll(node.node.port(), ca, version);
    }

    @ParameterizedTest
    @EnumSource(HttpClient.Version.class)
    void aDeviceBootstrapsAndTalksEncryptedOverSse(HttpClient.Version version) throws Exception {
        try (BrowserLink link = link(true, version)) {
            bootstrapAndExchange(link);
        }
    }

    @ParameterizedTest
    @EnumSource(HttpClient.Version.class)
    void aDeviceBootstrapsAndTalksEncryptedOverLongPollAcrossPolls(HttpClient.Version version) throws Exception {
        try (BrowserLink link = link(false, version)) {
            bootstrapAndExchange(link);
            assertTrue(link.polls >= 1);
            Thread.sleep(2_500); // idle past the poll timeout: the next answer comes on a later poll
            SecureFrameStream secure = lastSecure;
            long sequence = lastSequence + 1;
            link.send(secure.seal(Frame.opaque(FrameType.MSG, 0xC0FFEE + 1, sequence, new byte[] {1})));
            assertEquals(sequence, answer(link, secure).control().json().path("ack").asLong());
            assertTrue(link.polls >= 2, "the answer came on a resumed poll");
        }
    }

    private SecureFrameStream lastSecure;
    private long lastSequence;

    /** Hello, Auth, Ack over the link, then a sealed Msg on a channel nobody opened, answered by a sealed Error. */
    private void bootstrapAndExchange(BrowserLink link) throws Exception {
        TestDevice device = nodes.newDevice();
        DeviceHandshake handshake = device.handshake(node, NoisePattern.XK, UserHints.handle(nodes.newHandle()));
        link.send(FrameCodec.encode(handshake.hello()));
        Frame auth = plain(link);
        assertEquals(FrameType.AUTH, auth.type());
        link.send(FrameCodec.encode(handshake.onServerAuth(auth)));
        Frame ack = plain(link);
        assertEquals(FrameType.ACK, ack.type(), ack.toString());
        EstablishedSession session = handshake.onAck(ack);
        SecureFrameStream secure = session.frames();
        long sequence = handshake.nextSequence();
        link.send(secure.seal(Frame.opaque(FrameType.MSG, 0xC0FFEE, sequence, new byte[] {1, 2, 3})));
        Frame answer = answer(link, secure);
        assertEquals(FrameType.ERROR, answer.type());
        assertEquals("unknown_channel", answer.control().text("error"));
        assertEquals(sequence, answer.control().json().path("ack").asLong());
        lastSecure = secure;
        lastSequence = sequence;
    }

    /** The next plain (bootstrap) frame; a bootstrap write carries whole frames. */
    private static Frame plain(BrowserLink link) throws Exception {
        List<Frame> frames = new ArrayList<>();
        new StreamingFrameDecoder().decode(ByteBuffer.wrap(link.receive()), frames::add);
        assertEquals(1, frames.size(), frames.toString());
        return frames.get(0);
    }

    /** The next sealed frame that is not a Presence. */
    private static Frame answer(BrowserLink link, SecureFrameStream secure) throws Exception {
        while (true) {
            List<Frame> frames = new ArrayList<>();
            byte[] bytes = link.receive();
            secure.open(bytes, 0, bytes.length, frames::add);
            for (Frame f : frames) {
                if (f.type() != FrameType.PRESENCE) {
                    return f;
                }
            }
        }
    }
}
