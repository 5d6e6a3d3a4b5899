package io.commucat.ccp.server.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.server.config.ServerConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * WebSocket {@code /connect} behaviour that is the same on both protocols, against the echo
 * session core ({@link EchoHandler}: each upstream chunk comes back as one write, so as one
 * binary message). Subclasses open the exchange their way. What every mode must do (the head,
 * bytes both ways in any chunking, ends and cuts, a reader that falls behind paused and not cut,
 * shutdown's goodbye) is {@link AbstractConnectTransportTest}'s, run for WebSocket by
 * {@link WebSocketH1ConnectTransportTest} and {@link WebSocketH2ConnectTransportTest}; here is
 * what only WebSocket has: messages, fragments, base64 text, Ping, close codes.
 */
@Timeout(30)
abstract class AbstractWebSocketConnectTest {

    static final byte[] HELLO = "hello".getBytes(StandardCharsets.US_ASCII);
    static final int WINDOW = 64 * 1024;

    TestServer server;
    WsDriver ws;

    abstract WsDriver open(TestServer server) throws Exception;

    @BeforeEach
    void start() throws Exception {
        // A small window and send buffer: a client that stops reading backs the server up at
        // once, instead of into megabytes of loopback buffers.
        server = new TestServer(new EchoHandler(), b -> b.socketSendBuffer(16 * 1024)
                .downstream(new ServerConfig.Downstream(WINDOW, Duration.ofSeconds(60))));
        ws = open(server);
    }

    @AfterEach
    void stop() {
        ws.close();
        server.close();
    }

    private EchoHandler.Echo session() throws InterruptedException {
        assertTrue(server.echo.opened.await(5, TimeUnit.SECONDS));
        return server.echo.streams.get(0);
    }

    @Test
    void eachSessionWriteIsOneBinaryMessage() throws Exception {
        ws.send(WsWire.binary(HELLO));
        WsWire.Frame frame = ws.next();
        assertTrue(frame.fin());
        assertEquals(WsWire.BINARY, frame.opcode());
        assertArrayEquals(HELLO, frame.payload());
    }

    @Test
    void fragmentedMessageReachesTheSessionWhole() throws Exception {
        ws.send(WsWire.frame(false, WsWire.BINARY, Arrays.copyOfRange(HELLO, 0, 2)));
        ws.send(WsWire.frame(false, WsWire.CONTINUATION, Arrays.copyOfRange(HELLO, 2, 4)));
        // A Ping may come between fragments (RFC 6455 §5.4).
        ws.send(WsWire.frame(true, WsWire.PING, new byte[] {1}));
        ws.send(WsWire.frame(true, WsWire.CONTINUATION, Arrays.copyOfRange(HELLO, 4, 5)));
        byte[] got = new byte[0];
        while (got.length < HELLO.length) {
            WsWire.Frame frame = ws.next();
            if (frame.opcode() == WsWire.BINARY) {
                got = concat(got, frame.payload());
            }
        }
        assertArrayEquals(HELLO, got);
    }

    @Test
    void textMessageIsBase64OfUpstreamBytes() throws Exception {
        ws.send(WsWire.text("aGVsbG8="));
        assertArrayEquals(HELLO, ws.receive(HELLO.length));
    }

    @Test
    void base64SplitAcrossFragmentsIsDecodedAsOneText() throws Exception {
        ws.send(WsWire.frame(false, WsWire.TEXT, "aGV".getBytes(StandardCharsets.US_ASCII)));
        ws.send(WsWire.frame(true, WsWire.CONTINUATION, "sbG8=".getBytes(StandardCharsets.US_ASCII)));
        assertArrayEquals(HELLO, ws.receive(HELLO.length));
    }

    @Test
    void pingIsAnsweredWithPongOfTheSamePayload() throws Exception {
        ws.send(WsWire.frame(true, WsWire.PING, new byte[] {7, 8, 9}));
        WsWire.Frame pong = ws.next();
        assertEquals(WsWire.PONG, pong.opcode());
        assertArrayEquals(new byte[] {7, 8, 9}, pong.payload());
    }

    @Test
    void textThatIsNotBase64ClosesWith1007() throws Exception {
        ws.send(WsWire.text("not base64!"));
        assertClose(1007);
        assertTrue(session().transportClosed.await(5, TimeUnit.SECONDS));
    }

    @Test
    void unmaskedClientFrameClosesWith1002() throws Exception {
        ws.send(WsWire.frame(true, WsWire.BINARY, HELLO, false));
        assertClose(1002);
    }

    @Test
    void frameOverTheLimitClosesWith1009BeforeItsPayloadArrives() throws Exception {
        ws.send(WsWire.head(WsWire.BINARY, WebSocketUpgrade.MAX_FRAME_PAYLOAD + 1L));
        assertClose(1009);
    }

    @Test
    void sessionEndClosesWith1000() throws Exception {
        EchoHandler.Echo session = session();
        session.loop.execute(session.downstream::close);
        assertClose(1000);
    }

    @Test
    void peersCloseIsAnsweredAndEndsTheSession() throws Exception {
        ws.send(WsWire.frame(true, WsWire.CLOSE, new byte[] {0x03, (byte) 0xe8}));
        assertClose(1000);
        assertTrue(session().transportClosed.await(5, TimeUnit.SECONDS));
    }

    @Test
    void shutdownSendsTheSessionsGoodbyeThenCloses1001() throws Exception {
        EchoHandler.Echo session = session();
        CompletableFuture<Void> stopped = CompletableFuture.runAsync(server::close);
        assertTrue(session.shutdown.await(5, TimeUnit.SECONDS));
        assertArrayEquals(EchoHandler.BYE, ws.receive(EchoHandler.BYE.length));
        assertClose(1001);
        stopped.get(10, TimeUnit.SECONDS);
    }

    void assertClose(int code) throws Exception {
        WsWire.Frame frame = ws.next();
        while (frame.opcode() != WsWire.CLOSE) {
            frame = ws.next();
        }
        assertEquals(code, frame.closeCode());
        ws.answerClose();
        assertTrue(ws.awaitClosed(), "the exchange did not end after the Close");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
