package io.commucat.ccp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.client.CcpClient;
import io.commucat.ccp.client.CcpSession;
import io.commucat.ccp.client.IncomingMessage;
import io.commucat.ccp.client.SessionListener;
import io.commucat.ccp.client.SessionState;
import io.commucat.ccp.client.TransportPreference;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SDK's WebSocket links against a real node: the fallback when a proxy cannot carry a
 * streaming {@code /connect} (refused, or its body buffered), {@link TransportPreference#WEBSOCKET_ONLY},
 * and a WebSocket link cut and replaced. Alice goes through a {@link StreamingHostileProxy},
 * Bob straight to the node; they exchange encrypted messages both ways. Real TLS and sockets.
 */
@Timeout(90)
class WebSocketFallbackTest {

    @TempDir
    java.nio.file.Path dir;

    private TestServer server;
    private StreamingHostileProxy proxy;
    private final List<CcpClient> clients = new ArrayList<>();

    @BeforeEach
    void startNode() throws Exception {
        server = TestServer.start(dir, Map.of());
    }

    @AfterEach
    void stopNode() throws Exception {
        clients.forEach(CcpClient::close);
        if (proxy != null) {
            proxy.close();
        }
        server.close();
    }

    private CcpClient client(String identity, int port, TransportPreference preference) {
        CcpClient client = server.builder(identity, port).transportPreference(preference)
                .webSocketFallbackAfter(Duration.ofSeconds(2))
                .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500)).build();
        clients.add(client);
        return client;
    }

    private static final class Recorder implements SessionListener {
        final BlockingQueue<IncomingMessage> messages = new LinkedBlockingQueue<>();
        final BlockingQueue<SessionState> states = new LinkedBlockingQueue<>();

        @Override
        public void onMessage(IncomingMessage message) {
            messages.add(message);
        }

        @Override
        public void onStateChanged(SessionState state, io.commucat.ccp.client.CcpException cause) {
            states.add(state);
        }

        String nextText() throws InterruptedException {
            IncomingMessage message = messages.poll(20, TimeUnit.SECONDS);
            assertNotNull(message, "no message within 20 s");
            return new String(message.payload(), StandardCharsets.UTF_8);
        }

        void awaitState(SessionState expected) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (true) {
                SessionState state = states.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                assertNotNull(state, "the session did not become " + expected);
                if (state == expected) {
                    return;
                }
            }
        }
    }

    private record Pair(CcpSession alice, Recorder aliceHeard, CcpSession bob, Recorder bobHeard, long channel) {
    }

    private Pair pair(CcpClient aliceClient, CcpClient bobClient) {
        aliceClient.register("alice-" + System.nanoTime()).join();
        var bobDevice = bobClient.register("bob-" + System.nanoTime()).join();
        Recorder aliceHeard = new Recorder();
        Recorder bobHeard = new Recorder();
        CcpSession alice = aliceClient.connect(aliceHeard).join();
        CcpSession bob = bobClient.connect(bobHeard).join();
        long channel = ThreadLocalRandom.current().nextLong(1, 1L << 32);
        alice.join(channel, List.of(bobDevice.deviceId())).join();
        bob.join(channel, List.of()).join();
        return new Pair(alice, aliceHeard, bob, bobHeard, channel);
    }

    private static void exchange(Pair p, String tag) throws Exception {
        p.alice().send(p.channel(), (tag + " from alice").getBytes(StandardCharsets.UTF_8)).get(20, TimeUnit.SECONDS);
        assertEquals(tag + " from alice", p.bobHeard().nextText());
        p.bob().send(p.channel(), (tag + " from bob").getBytes(StandardCharsets.UTF_8)).get(20, TimeUnit.SECONDS);
        assertEquals(tag + " from bob", p.aliceHeard().nextText());
    }

    @Test
    void aRefusedStreamingConnectFallsBackToWebSocket() throws Exception {
        proxy = new StreamingHostileProxy(server, StreamingHostileProxy.Behaviour.REFUSE);
        Pair p = pair(client("alice.json", proxy.port(), TransportPreference.HTTP2_THEN_HTTP1),
                client("bob.json", server.port(), TransportPreference.HTTP2_THEN_HTTP1));

        exchange(p, "refused");

        assertTrue(proxy.streamingConnects.get() >= 1, "the streaming /connect was tried first");
        assertTrue(proxy.upgrades.get() >= 1, "then a WebSocket");
    }

    @Test
    void aProxyThatBuffersTheRequestBodyIsLeftForWebSocket() throws Exception {
        proxy = new StreamingHostileProxy(server, StreamingHostileProxy.Behaviour.BUFFER_BODY);
        Pair p = pair(client("alice.json", proxy.port(), TransportPreference.HTTP2_THEN_HTTP1),
                client("bob.json", server.port(), TransportPreference.HTTP2_THEN_HTTP1));

        exchange(p, "buffered");

        assertTrue(proxy.upgrades.get() >= 1);
    }

    @Test
    void laterLinksGoStraightToWebSocketAndACutLinkIsReplaced() throws Exception {
        proxy = new StreamingHostileProxy(server, StreamingHostileProxy.Behaviour.REFUSE);
        Pair p = pair(client("alice.json", proxy.port(), TransportPreference.HTTP2_THEN_HTTP1),
                client("bob.json", server.port(), TransportPreference.HTTP2_THEN_HTTP1));
        exchange(p, "before");
        int streamingTries = proxy.streamingConnects.get();
        int upgrades = proxy.upgrades.get();

        proxy.cut();

        p.aliceHeard().awaitState(SessionState.RECONNECTING);
        p.aliceHeard().awaitState(SessionState.CONNECTED);
        exchange(p, "after the cut");
        assertEquals(streamingTries, proxy.streamingConnects.get(), "the client remembered: no streaming /connect again");
        assertTrue(proxy.upgrades.get() > upgrades, "the new link is a WebSocket");
    }

    @Test
    void websocketOnlyNeverTriesAStreamingConnect() throws Exception {
        proxy = new StreamingHostileProxy(server, StreamingHostileProxy.Behaviour.REFUSE);
        Pair p = pair(client("alice.json", proxy.port(), TransportPreference.WEBSOCKET_ONLY),
                client("bob.json", server.port(), TransportPreference.WEBSOCKET_ONLY));

        exchange(p, "websocket only");

        assertEquals(0, proxy.streamingConnects.get());
        assertTrue(proxy.upgrades.get() >= 1);
    }
}
