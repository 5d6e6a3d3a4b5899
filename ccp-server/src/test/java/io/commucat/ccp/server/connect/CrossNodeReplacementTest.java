package io.commucat.ccp.server.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.client.handshake.UserHints;
import io.commucat.ccp.crypto.noise.NoisePattern;
import io.commucat.ccp.proto.ControlJson;
import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.proto.FrameType;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A session of the device on another node ends the older session here, never a newer one. */
class CrossNodeReplacementTest {

    @TempDir
    Path dir;

    private ConnectFixture f;

    @BeforeEach
    void start() throws Exception {
        f = new ConnectFixture(dir, ConnectFixture.PolicyChange.NONE);
    }

    @AfterEach
    void close() throws Exception {
        f.close();
    }

    @Test
    void aNewerSessionElsewhereEndsThisOne() throws Exception {
        TestDevice device = new TestDevice(f, "phone-1").start(NoisePattern.XK, UserHints.handle("alice"));
        ConnectFixture.Stream stream = f.open();
        device.bootstrap(stream);

        f.registry.replaceFromAnotherNode("phone-1", Instant.now().plus(Duration.ofSeconds(1)));

        Frame notice = device.awaitEncrypted(stream).get(0);
        assertEquals("session_replaced", notice.control().text("error"));
        stream.awaitWrites(Integer.MAX_VALUE);
        assertEquals(ConnectSession.State.CLOSED, stream.state());
    }

    @Test
    void anOlderSessionElsewhereLeavesThisOneAlone() throws Exception {
        TestDevice device = new TestDevice(f, "phone-1").start(NoisePattern.XK, UserHints.handle("alice"));
        ConnectFixture.Stream stream = f.open();
        device.bootstrap(stream);

        f.registry.replaceFromAnotherNode("phone-1", Instant.now().minus(Duration.ofSeconds(5)));

        // A frame that is answered, to know the replacement request was handled before it.
        stream.send(device.seal(Frame.control(FrameType.JOIN, 5, 3, ControlJson.object())));
        Frame answer = device.awaitEncrypted(stream).get(0);
        assertEquals(FrameType.ACK, answer.type(), answer.toString());
        assertEquals(ConnectSession.State.ESTABLISHED, stream.state());
        assertTrue(f.registry.find("phone-1") != null);
    }
}
