package io.commucat.ccp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.client.CcpClient;
import io.commucat.ccp.client.CcpException;
import io.commucat.ccp.client.CcpSession;
import io.commucat.ccp.client.Enrolment;
import io.commucat.ccp.client.IncomingMessage;
import io.commucat.ccp.client.MessagePublisher;
import io.commucat.ccp.client.SessionListener;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Two {@link CcpSession}s exchanging messages through a real node (embedded default, TLS, HTTP/2). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class CcpSessionTest {

    @TempDir
    static Path dir;

    private TestServer server;

    @BeforeAll
    void startNode() throws Exception {
        server = TestServer.start(dir, Map.of());
    }

    @AfterAll
    void stopNode() {
        if (server != null) {
            server.close();
        }
    }

    private CcpClient client(String identity) {
        return server.client(identity);
    }

    /** What a listener received, for the test to wait on. */
    private static final class Inbox implements SessionListener {
        final BlockingQueue<IncomingMessage> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<CcpException> closed = new CompletableFuture<>();
        final List<String> threads = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public void onMessage(IncomingMessage message) {
            threads.add(Thread.currentThread().getName());
            messages.add(message);
        }

        @Override
        public void onClosed(CcpException failure) {
            closed.complete(failure);
        }

        IncomingMessage next() throws InterruptedException {
            IncomingMessage message = messages.poll(10, TimeUnit.SECONDS);
            assertNotNull(message, "no message within 10 s");
            return message;
        }
    }

    private void awaitInboxEmpty(String deviceId) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!server.node.storage().sql().inbox().pending(deviceId, 0, java.time.Instant.now(), 10, Long.MAX_VALUE)
                .envelopes().isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "the messages were not acknowledged within 10 s");
            Thread.sleep(20);
        }
    }

    private static long newChannel() {
        return ThreadLocalRandom.current().nextLong(1, 1L << 32);
    }

    @Test
    void twoUsersDevicesExchangeMessagesOnAChannel() throws Exception {
        try (CcpClient alice = client("alice.json"); CcpClient bob = client("bob.json")) {
            alice.register("alice-" + System.nanoTime()).join();
            Enrolment bobDevice = bob.register("bob-" + System.nanoTime()).join();
            Inbox aliceInbox = new Inbox();
            Inbox bobInbox = new Inbox();
            CcpSession a = alice.connect(aliceInbox).join();
            CcpSession b = bob.connect(bobInbox).join();
            long channel = newChannel();

            a.join(channel, List.of(bobDevice.deviceId())).join();
            b.join(channel, List.of()).join();
            a.send(channel, "hello bob".getBytes(StandardCharsets.UTF_8)).join();

            IncomingMessage received = bobInbox.next();
            assertEquals(channel, received.channel());
            assertEquals("hello bob", new String(received.payload(), StandardCharsets.UTF_8));
            assertTrue(bobInbox.threads.stream().noneMatch(t -> t.contains("loop")), bobInbox.threads.toString());
            a.close();
            b.close();
        }
    }

    @Test
    void anAcknowledgedMessageIsNotDeliveredAgainAfterAReconnect() throws Exception {
        try (CcpClient alice = client("alice2.json"); CcpClient bob = client("bob2.json")) {
            alice.register("alice-" + System.nanoTime()).join();
            Enrolment bobDevice = bob.register("bob-" + System.nanoTime()).join();
            Inbox bobInbox = new Inbox();
            CcpSession a = alice.connect(new Inbox()).join();
            CcpSession b = bob.connect(bobInbox).join();
            long channel = newChannel();
            a.join(channel, List.of(bobDevice.deviceId())).join();
            b.join(channel, List.of()).join();
            a.send(channel, "once".getBytes(StandardCharsets.UTF_8)).join();
            bobInbox.next();
            a.send(channel, "marker".getBytes(StandardCharsets.UTF_8)).join();
            assertEquals("marker", new String(bobInbox.next().payload(), StandardCharsets.UTF_8));
            awaitInboxEmpty(bobDevice.deviceId()); // the session acknowledged both after its listener had them
            b.close();
            b.closed().get(10, TimeUnit.SECONDS);

            Inbox again = new Inbox();
            CcpSession b2 = bob.connect(again).join();

            assertNull(again.messages.poll(1, TimeUnit.SECONDS), "both were acknowledged: nothing comes again");
            b2.close();
            a.close();
        }
    }

    @Test
    void aMessageToAChannelTheDeviceIsNotInFailsWithTheServersError() throws Exception {
        try (CcpClient carol = client("carol.json")) {
            carol.register("carol-" + System.nanoTime()).join();
            CcpSession session = carol.connect(new Inbox()).join();

            CompletionException e = assertThrows(CompletionException.class,
                    () -> session.send(newChannel(), new byte[] {1}).join());

            CcpException refused = (CcpException) e.getCause();
            assertEquals(CcpException.Kind.REFUSED, refused.kind());
            assertTrue(refused.title().isPresent() && !refused.title().get().isEmpty(), refused.getMessage());
            session.close();
        }
    }

    @Test
    void closingTheSessionTellsTheListenerAndFailsLaterSends() throws Exception {
        try (CcpClient dave = client("dave.json")) {
            dave.register("dave-" + System.nanoTime()).join();
            Inbox inbox = new Inbox();
            CcpSession session = dave.connect(inbox).join();

            session.close();

            assertNull(inbox.closed.get(10, TimeUnit.SECONDS), "closed by the application: no failure");
            CompletionException e = assertThrows(CompletionException.class,
                    () -> session.send(newChannel(), new byte[] {1}).join());
            assertEquals(CcpException.Kind.CLOSED, ((CcpException) e.getCause()).kind());
        }
    }

    @Test
    void restCallsWhileASessionIsOpenShareItsToken() throws Exception {
        try (CcpClient erin = client("erin.json")) {
            erin.register("erin-" + System.nanoTime()).join();
            Inbox inbox = new Inbox();
            CcpSession session = erin.connect(inbox).join();

            assertEquals(1, erin.devices().join().size());

            assertTrue(!inbox.closed.isDone(), "the REST call did not replace the session");
            session.close();
        }
    }

    @Test
    void aSubscriberWithoutDemandLeavesMessagesQueuedAtTheServerUntilItAsks() throws Exception {
        try (CcpClient frank = client("frank.json"); CcpClient gina = client("gina.json")) {
            frank.register("frank-" + System.nanoTime()).join();
            Enrolment ginaDevice = gina.register("gina-" + System.nanoTime()).join();
            CcpSession f = frank.connect(new Inbox()).join();
            MessagePublisher messages = new MessagePublisher();
            CcpSession g = gina.connect(messages).join();
            BlockingQueue<String> got = new LinkedBlockingQueue<>();
            java.util.concurrent.atomic.AtomicReference<Flow.Subscription> subscription = new java.util.concurrent.atomic.AtomicReference<>();
            messages.subscribe(new Flow.Subscriber<>() {
                @Override
                public void onSubscribe(Flow.Subscription s) {
                    subscription.set(s);
                    s.request(1);
                }

                @Override
                public void onNext(IncomingMessage item) {
                    got.add(new String(item.payload(), StandardCharsets.UTF_8));
                }

                @Override
                public void onError(Throwable throwable) {
                }

                @Override
                public void onComplete() {
                }
            });
            long channel = newChannel();
            f.join(channel, List.of(ginaDevice.deviceId())).join();
            g.join(channel, List.of()).join();
            for (int i = 0; i < 4; i++) {
                f.send(channel, ("m" + i).getBytes(StandardCharsets.UTF_8)).join();
            }

            assertEquals("m0", got.poll(10, TimeUnit.SECONDS));
            assertNull(got.poll(500, TimeUnit.MILLISECONDS), "no demand: nothing more handed over");
            assertEquals(3, server.node.storage().sql().inbox().pending(ginaDevice.deviceId(), 0,
                    java.time.Instant.now(), 10, Long.MAX_VALUE).envelopes().size(), "unacknowledged, still queued");
            subscription.get().request(3);
            assertEquals(List.of("m1", "m2", "m3"), List.of(got.poll(10, TimeUnit.SECONDS),
                    got.poll(10, TimeUnit.SECONDS), got.poll(10, TimeUnit.SECONDS)));
            awaitInboxEmpty(ginaDevice.deviceId());
            f.close();
            g.close();
        }
    }
}
