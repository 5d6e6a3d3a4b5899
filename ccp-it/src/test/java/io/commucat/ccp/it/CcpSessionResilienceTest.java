package io.commucat.ccp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.client.CcpClient;
import io.commucat.ccp.client.CcpException;
import io.commucat.ccp.client.CcpSession;
import io.commucat.ccp.client.Enrolment;
import io.commucat.ccp.client.IncomingMessage;
import io.commucat.ccp.client.SessionListener;
import io.commucat.ccp.client.SessionState;
import io.commucat.ccp.server.datadir.DataDirectory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@link CcpSession} outliving its links: cut sockets, a silently dead link, a node that stops
 * and starts again, a changed server key; and the refusals after which it must not come back.
 * Real node (embedded default), real TLS, real sockets; links are broken by a {@link LinkProxy}.
 */
@Timeout(90)
class CcpSessionResilienceTest {

    @TempDir
    Path dir;

    private TestServer server;
    private LinkProxy proxy;
    private final List<CcpClient> clients = new ArrayList<>();

    @BeforeEach
    void startNode() throws Exception {
        // The shortest keepalive the server allows (interval max(5, 10 / 2) = 5 s).
        server = TestServer.start(dir, Map.of("CCP_SERVER_KEEPALIVE", "10"));
        proxy = new LinkProxy(server.port());
    }

    @AfterEach
    void stopNode() throws Exception {
        clients.forEach(CcpClient::close);
        proxy.close();
        server.close();
    }

    /** A client reaching the node through the proxy, reconnecting fast. */
    private CcpClient viaProxy(String identity) {
        CcpClient client = server.builder(identity, proxy.port())
                .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500)).build();
        clients.add(client);
        return client;
    }

    private CcpClient direct(String identity) {
        CcpClient client = server.builder(identity, server.port())
                .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500)).build();
        clients.add(client);
        return client;
    }

    /** Everything a listener heard, for the test to wait on. */
    private static final class Recorder implements SessionListener {
        final BlockingQueue<IncomingMessage> messages = new LinkedBlockingQueue<>();
        final BlockingQueue<SessionState> states = new LinkedBlockingQueue<>();
        final List<CcpException> causes = new java.util.concurrent.CopyOnWriteArrayList<>();
        final CompletableFuture<CcpException> closed = new CompletableFuture<>();

        @Override
        public void onMessage(IncomingMessage message) {
            messages.add(message);
        }

        @Override
        public void onStateChanged(SessionState state, CcpException cause) {
            if (cause != null) {
                causes.add(cause);
            }
            states.add(state);
        }

        @Override
        public void onClosed(CcpException failure) {
            closed.complete(failure);
        }

        String nextText() throws InterruptedException {
            IncomingMessage message = messages.poll(20, TimeUnit.SECONDS);
            assertNotNull(message, "no message within 20 s");
            return new String(message.payload(), StandardCharsets.UTF_8);
        }

        void awaitState(SessionState expected, Duration within) throws InterruptedException {
            long deadline = System.nanoTime() + within.toNanos();
            while (true) {
                SessionState state = states.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                assertNotNull(state, "the session did not become " + expected + " within " + within);
                if (state == expected) {
                    return;
                }
            }
        }
    }

    private static long newChannel() {
        return ThreadLocalRandom.current().nextLong(1, 1L << 32);
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Alice (through the proxy) and Bob (direct) in one channel. */
    private record Pair(CcpSession alice, Recorder aliceHeard, CcpSession bob, Recorder bobHeard, long channel,
            Enrolment aliceDevice) {
    }

    private Pair pair(CcpClient aliceClient, CcpClient bobClient) {
        Enrolment aliceDevice = aliceClient.register("alice-" + System.nanoTime()).join();
        Enrolment bobDevice = bobClient.register("bob-" + System.nanoTime()).join();
        Recorder aliceHeard = new Recorder();
        Recorder bobHeard = new Recorder();
        CcpSession alice = aliceClient.connect(aliceHeard).join();
        CcpSession bob = bobClient.connect(bobHeard).join();
        long channel = newChannel();
        alice.join(channel, List.of(bobDevice.deviceId())).join();
        bob.join(channel, List.of()).join();
        return new Pair(alice, aliceHeard, bob, bobHeard, channel, aliceDevice);
    }

    @Test
    void aLinkCutByClosingItsSocketIsReplacedAndTheSessionGoesOn() throws Exception {
        Pair p = pair(viaProxy("alice.json"), direct("bob.json"));

        proxy.cut();

        p.aliceHeard().awaitState(SessionState.RECONNECTING, Duration.ofSeconds(10));
        p.aliceHeard().awaitState(SessionState.CONNECTED, Duration.ofSeconds(20));
        assertEquals(SessionState.CONNECTED, p.alice().state());
        p.alice().send(p.channel(), text("after the cut")).get(20, TimeUnit.SECONDS);
        assertEquals("after the cut", p.bobHeard().nextText());
        p.bob().send(p.channel(), text("to alice")).get(20, TimeUnit.SECONDS);
        assertEquals("to alice", p.aliceHeard().nextText());
    }

    @Test
    void messagesQueuedForADeviceWhileItsLinkWasDownArriveAfterTheReconnect() throws Exception {
        Pair p = pair(viaProxy("alice.json"), direct("bob.json"));
        proxy.freeze(); // alice cannot come back until thawed
        proxy.cut();
        p.aliceHeard().awaitState(SessionState.RECONNECTING, Duration.ofSeconds(10));

        for (int i = 0; i < 5; i++) {
            p.bob().send(p.channel(), text("queued " + i)).get(20, TimeUnit.SECONDS);
        }
        proxy.thaw();

        for (int i = 0; i < 5; i++) {
            assertEquals("queued " + i, p.aliceHeard().nextText());
        }
    }

    @Test
    void requestsMadeWhileReconnectingGoOutOnTheNextLink() throws Exception {
        Pair p = pair(viaProxy("alice.json"), direct("bob.json"));
        proxy.freeze();
        proxy.cut();
        p.aliceHeard().awaitState(SessionState.RECONNECTING, Duration.ofSeconds(10));

        List<CompletableFuture<Void>> sent = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            sent.add(p.alice().send(p.channel(), text("while away " + i)));
        }
        Thread.sleep(300);
        assertTrue(sent.stream().noneMatch(CompletableFuture::isDone), "nothing can be acknowledged while the link is down");
        proxy.thaw();

        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        for (int i = 0; i < 5; i++) {
            assertEquals("while away " + i, p.bobHeard().nextText());
        }
    }

    @Test
    void sendsRacingALinkCutAreAllAnsweredAndEachDeliveredAtLeastOnceAndAtMostOncePerLink() throws Exception {
        Pair p = pair(viaProxy("alice.json"), direct("bob.json"));
        int count = 300;
        List<CompletableFuture<Void>> sent = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            sent.add(p.alice().send(p.channel(), text("burst " + i)));
            if (i == count / 3) {
                proxy.cut(); // while the outbox holds some and the server answered others
            }
        }

        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        Map<String, Integer> heard = new java.util.HashMap<>();
        while (heard.size() < count) {
            heard.merge(p.bobHeard().nextText(), 1, Integer::sum);
        }
        // A Msg whose Ack the cut swallowed is sent again on the next link, and only there: the
        // server may have it twice, never more.
        IncomingMessage extra;
        while ((extra = p.bobHeard().messages.poll(500, TimeUnit.MILLISECONDS)) != null) {
            heard.merge(new String(extra.payload(), StandardCharsets.UTF_8), 1, Integer::sum);
        }
        for (int i = 0; i < count; i++) {
            int times = heard.getOrDefault("burst " + i, 0);
            assertTrue(times == 1 || times == 2, "burst " + i + " arrived " + times + " times");
        }
    }

    @Test
    void overHttp11ASessionExchangesMessagesAndComesBackAfterACut() throws Exception {
        CcpClient http1 = server.builder("alice.json", proxy.port())
                .transportPreference(io.commucat.ccp.client.TransportPreference.HTTP1_ONLY)
                .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500)).build();
        clients.add(http1);
        Pair p = pair(http1, direct("bob.json"));
        p.alice().send(p.channel(), text("over http/1.1")).get(20, TimeUnit.SECONDS);
        assertEquals("over http/1.1", p.bobHeard().nextText());

        proxy.cut();

        p.aliceHeard().awaitState(SessionState.CONNECTED, Duration.ofSeconds(20));
        p.bob().send(p.channel(), text("back")).get(20, TimeUnit.SECONDS);
        assertEquals("back", p.aliceHeard().nextText());
        assertEquals(1, http1.devices().get(20, TimeUnit.SECONDS).size(), "REST beside the open session");
    }

    @Test
    void aSilentlyDeadLinkIsDetectedByItsUnansweredPingAndReplaced() throws Exception {
        Pair p = pair(viaProxy("alice.json"), direct("bob.json"));
        long frozenAt = System.nanoTime();
        proxy.freeze(); // the sockets stay open and carry nothing: no FIN, no RST

        // The interval is 5 s: a PING goes out within 5 s and is found unanswered 5 s later.
        p.aliceHeard().awaitState(SessionState.RECONNECTING, Duration.ofSeconds(20));
        long detectedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - frozenAt);
        proxy.thaw();
        p.aliceHeard().awaitState(SessionState.CONNECTED, Duration.ofSeconds(20));
        p.alice().send(p.channel(), text("alive again")).get(20, TimeUnit.SECONDS);
        assertEquals("alive again", p.bobHeard().nextText());
        assertTrue(detectedMillis <= 16_000, "detected after " + detectedMillis + " ms");
    }

    @Test
    void aNodeThatStopsAndStartsAgainIsReconnectedTo() throws Exception {
        Pair p = pair(direct("alice.json"), direct("bob.json"));

        server.stop();
        p.aliceHeard().awaitState(SessionState.RECONNECTING, Duration.ofSeconds(10));
        CompletableFuture<Void> sentWhileDown = p.alice().send(p.channel(), text("sent while the node was down"));
        server.restart();

        sentWhileDown.get(30, TimeUnit.SECONDS);
        assertEquals("sent while the node was down", p.bobHeard().nextText());
        assertTrue(p.aliceHeard().causes.stream().anyMatch(c -> c.title().orElse("").equals("shutdown")),
                "alice heard why: " + p.aliceHeard().causes);
    }

    @Test
    void aReconnectUsesIkOnceAnXkBootstrapHasProvedTheServerKey() throws Exception {
        Pair p = pair(viaProxy("alice.json"), direct("bob.json"));
        proxy.cut();
        p.aliceHeard().awaitState(SessionState.CONNECTED, Duration.ofSeconds(20));

        List<String> patterns = server.handshakePatterns(p.aliceDevice().deviceId(), 3);
        assertEquals("XK", patterns.get(0), "registration: " + patterns);
        assertEquals("IK", patterns.get(patterns.size() - 1), "the reconnect: " + patterns);
    }

    @Test
    void aChangedServerNoiseKeyIsFetchedAgainAndTheSessionGoesOn() throws Exception {
        Pair p = pair(direct("alice.json"), direct("bob.json"));
        // The node forgets its Noise key and makes a new one at its next start.
        for (var key : server.node.storage().sql().secrets().noiseKeys()) {
            server.node.storage().sql().secrets().deleteNoiseKey(key.version());
        }
        server.stop();
        Files.delete(dir.resolve("server").resolve(DataDirectory.NOISE_STATIC_SEED));
        server.restart();

        p.aliceHeard().awaitState(SessionState.CONNECTED, Duration.ofSeconds(30));
        p.alice().send(p.channel(), text("new key")).get(20, TimeUnit.SECONDS);
        assertEquals("new key", p.bobHeard().nextText());
        List<String> patterns = server.handshakePatterns(p.aliceDevice().deviceId(), 3);
        assertEquals("XK", patterns.get(patterns.size() - 1), "after the IK with the old key failed: " + patterns);
    }

    @Test
    void aRevokedDevicesSessionEndsAndDoesNotComeBack() throws Exception {
        CcpClient aliceClient = direct("alice.json");
        Enrolment alice = aliceClient.register("alice-" + System.nanoTime()).join();
        CcpClient phone = direct("phone.json");
        Enrolment phoneDevice = phone.pair(aliceClient.issuePairingCode().join().code()).join();
        Recorder phoneHeard = new Recorder();
        phone.connect(phoneHeard).join();

        aliceClient.revoke(phoneDevice.deviceId()).join();

        CcpException why = phoneHeard.closed.get(20, TimeUnit.SECONDS);
        assertNotNull(why);
        assertEquals("revoked", why.title().orElse(""), why.toString());
        assertFalse(phoneHeard.states.contains(SessionState.CONNECTED), "it must not reconnect");
        assertNotNull(alice);
    }

    @Test
    void aRefusedRequestFailsAloneAndTheSessionGoesOn() throws Exception {
        Pair p = pair(direct("alice.json"), direct("bob.json"));

        CompletableFuture<Void> refused = p.alice().send(newChannel(), text("no such channel"));

        CcpException why = assertFailsWith(refused);
        assertEquals(CcpException.Kind.REFUSED, why.kind());
        assertEquals("unknown_channel", why.title().orElse(""));
        p.alice().send(p.channel(), text("still here")).get(20, TimeUnit.SECONDS);
        assertEquals("still here", p.bobHeard().nextText());
    }

    @Test
    void aReconnectRefusedByTheConnectRateLimitWaitsForItsRetryAfter() throws Exception {
        server.close();
        proxy.close();
        // Two /connect per address, then 2 s of 429 with Retry-After: 2.
        server = TestServer.start(dir.resolve("limited"), Map.of("CCP_SECURITY_RATE_LIMIT_CONNECT_BURST", "2",
                "CCP_SECURITY_RATE_LIMIT_CONNECT_WINDOW_MS", "60000", "CCP_SECURITY_RATE_LIMIT_CONNECT_PENALTY_MS", "2000"));
        proxy = new LinkProxy(server.port());
        CcpClient client = viaProxy("alice.json");
        client.register("alice-" + System.nanoTime()).join(); // the first /connect
        Recorder heard = new Recorder();
        CcpSession session = client.connect(heard).join(); // the second

        long cutAt = System.nanoTime();
        proxy.cut();
        heard.awaitState(SessionState.CONNECTED, Duration.ofSeconds(30));
        long backMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cutAt);

        CcpException refused = heard.causes.stream().filter(c -> c.status() == 429).findFirst()
                .orElseThrow(() -> new AssertionError("no 429 among " + heard.causes));
        assertEquals(Duration.ofSeconds(2), refused.retryAfter().orElseThrow());
        assertTrue(backMillis >= 2000, "came back after " + backMillis + " ms, before the Retry-After");
        assertEquals(SessionState.CONNECTED, session.state());
    }

    private static CcpException assertFailsWith(CompletableFuture<?> future) throws Exception {
        try {
            future.get(20, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            return (CcpException) e.getCause();
        }
        throw new AssertionError("the request did not fail");
    }
}
