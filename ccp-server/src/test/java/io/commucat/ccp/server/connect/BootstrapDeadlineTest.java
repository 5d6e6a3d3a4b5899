package io.commucat.ccp.server.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.client.handshake.UserHints;
import io.commucat.ccp.crypto.noise.NoisePattern;
import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.proto.FrameCodec;
import io.commucat.ccp.proto.FrameType;
import io.commucat.ccp.server.handshake.SessionTokens;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bootstrap deadlines of {@link ConnectSession} (docs/security.md, "Deadlines and timeouts"),
 * socket-free: a Hello within {@code helloTimeout} of the stream opening, the device's Auth within
 * {@code bootstrapTimeout}; past either, §4.5's handshake Error and the end of the stream.
 */
@Timeout(20)
class BootstrapDeadlineTest {

    @TempDir
    Path dir;

    private ConnectFixture fixture;

    private ConnectFixture fixture(long helloMs, long bootstrapMs) throws Exception {
        fixture = new ConnectFixture(dir, p -> ConnectFixture.withBootstrapDeadlines(p, Duration.ofMillis(helloMs),
                Duration.ofMillis(bootstrapMs)));
        return fixture;
    }

    @AfterEach
    void close() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void aStreamWithoutHelloGetsTheHandshakeErrorAtTheHelloDeadline() throws Exception {
        ConnectFixture f = fixture(200, 5_000);
        ConnectFixture.Stream stream = f.open();

        Frame error = new TestDevice(f, "x").nextPlain(stream);
        assertEquals(FrameType.ERROR, error.type());
        assertEquals(0, error.channelId());
        assertEquals("handshake", error.control().text("error"));
        assertEquals("no Hello within 200 ms", error.control().text("detail"));
        stream.awaitWrites(Integer.MAX_VALUE);
        assertTrue(stream.down.isClosed(), "the stream ends after the Error");
        assertEquals(List.of("timeout:no Hello within 200 ms"), f.failures);
        assertEquals("hello", f.failedReports.get(0).stage());
        assertEquals(ConnectSession.State.CLOSED, stream.state());
    }

    @Test
    void aHelloWithoutTheDevicesAuthGetsTheHandshakeErrorAtTheBootstrapDeadline() throws Exception {
        ConnectFixture f = fixture(300, 600);
        TestDevice device = new TestDevice(f, "phone-1").start(NoisePattern.XK, UserHints.handle("alice"));
        ConnectFixture.Stream stream = f.open();
        stream.send(device.hello());
        Frame auth = device.nextPlain(stream);
        assertEquals(FrameType.AUTH, auth.type());

        Frame error = device.nextPlain(stream);
        assertEquals(FrameType.ERROR, error.type());
        assertEquals("handshake", error.control().text("error"));
        assertEquals("handshake not completed within 600 ms", error.control().text("detail"));
        stream.awaitWrites(Integer.MAX_VALUE);
        assertTrue(stream.down.isClosed());
        assertEquals(List.of("timeout:handshake not completed within 600 ms"), f.failures);
        assertEquals("await_client", f.failedReports.get(0).stage());
        assertEquals("phone-1", f.failedReports.get(0).deviceId());
        assertTrue(f.sessions.find(SessionTokens.hash(auth.control().text("session")), Instant.now()).isEmpty());
    }

    @Test
    void aDeadlinePassingWhileTheDeviceIsResolvedFailsOnceTheResolutionIsBack() throws Exception {
        ConnectFixture f = fixture(300, 600);
        CountDownLatch release = new CountDownLatch(1);
        for (int i = 0; i < 2; i++) { // both storage threads busy: the resolution waits in the queue
            f.storagePool.execute(() -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        TestDevice device = new TestDevice(f, "phone-1").start(NoisePattern.XK, UserHints.handle("alice"));
        ConnectFixture.Stream stream = f.open();
        stream.send(device.hello());
        Thread.sleep(900);
        assertEquals(ConnectSession.State.RESOLVING, stream.state(), "nothing is decided while storage works");
        release.countDown();

        Frame error = device.nextPlain(stream);
        assertEquals(FrameType.ERROR, error.type(), "no Auth after the deadline");
        assertEquals("handshake not completed within 600 ms", error.control().text("detail"));
        stream.awaitWrites(Integer.MAX_VALUE);
        assertTrue(stream.down.isClosed());
        assertEquals(List.of("timeout:handshake not completed within 600 ms"), f.failures);
        assertTrue(f.directory.findDevice("phone-1").isPresent(), "what the resolution stored stays, and was reported");
    }

    @Test
    void aHelloInTimeReplacesTheHelloDeadlineWithTheBootstrapDeadline() throws Exception {
        ConnectFixture f = fixture(300, 5_000);
        TestDevice device = new TestDevice(f, "phone-1").start(NoisePattern.XK, UserHints.handle("alice"));
        ConnectFixture.Stream stream = f.open();
        stream.send(device.hello());
        Frame auth = device.nextPlain(stream);
        Thread.sleep(900); // three Hello deadlines

        stream.send(FrameCodec.encode(device.handshake.onServerAuth(auth)));
        device.handshake.onAck(device.nextPlain(stream));
        assertEquals(ConnectSession.State.ESTABLISHED, stream.state());
        assertEquals(List.of(), f.failures);
    }

    @Test
    void anEstablishedSessionOutlivesTheBootstrapDeadline() throws Exception {
        ConnectFixture f = fixture(200, 300);
        TestDevice device = new TestDevice(f, "phone-1").start(NoisePattern.XK, UserHints.handle("alice"));
        ConnectFixture.Stream stream = f.open();
        device.bootstrap(stream);
        Thread.sleep(900);

        assertEquals(ConnectSession.State.ESTABLISHED, stream.state());
        assertFalse(stream.down.isClosed());
        assertEquals(List.of(), f.failures);
        assertTrue(device.readEncrypted(stream).isEmpty(), "no Error after the Ack");
    }
}
