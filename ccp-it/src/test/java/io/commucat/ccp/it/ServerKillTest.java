package io.commucat.ccp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.commucat.ccp.bench.soak.NodeProcess;
import io.commucat.ccp.client.CcpClient;
import io.commucat.ccp.client.CcpSession;
import io.commucat.ccp.client.Deduplication;
import io.commucat.ccp.client.Enrolment;
import io.commucat.ccp.client.FileIdentityStore;
import io.commucat.ccp.client.IncomingMessage;
import io.commucat.ccp.client.SessionListener;
import io.commucat.ccp.client.Trust;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SDK's promise when the server dies: a node in its own process on the real PostgreSQL
 * (a fresh schema) is killed with SIGKILL in the middle of a stream of messages and started
 * again. Both devices reconnect by themselves; every message the sender's SDK saw acknowledged
 * reaches the receiving application, and none reaches it twice.
 */
@Timeout(180)
class ServerKillTest {

    private static final String POSTGRES = System.getenv().getOrDefault("CCP_TEST_POSTGRES_URL",
            "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");
    private static final int MESSAGES = 300;

    @TempDir
    Path dir;

    private String schema;
    private NodeProcess server;
    private final List<CcpClient> clients = new ArrayList<>();

    @BeforeEach
    void startNode() throws Exception {
        schema = "ccp_it_" + HexFormat.of().toHexDigits(new SecureRandom().nextLong());
        try (Connection c = DriverManager.getConnection(POSTGRES); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            fail("PostgreSQL is not reachable at " + POSTGRES + " (" + e.getMessage()
                    + "): start it on 127.0.0.1:5432 (trust auth, user postgres) or set CCP_TEST_POSTGRES_URL.", e);
        }
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        server = NodeProcess.create("node", dir.resolve("server"), "256m", Map.of(
                "CCP_STORAGE_POSTGRES_DSN", POSTGRES + "&currentSchema=" + schema,
                "CCP_CRYPTO_SECRETS_KEY", HexFormat.of().formatHex(key),
                "CCP_SECURITY_RATE_LIMIT_REGISTER_BURST", "1000"));
        server.start();
    }

    @AfterEach
    void stopNode() throws Exception {
        clients.forEach(CcpClient::close);
        if (server != null) {
            server.close();
        }
        try (Connection c = DriverManager.getConnection(POSTGRES); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    private CcpClient client(String identity) {
        CcpClient client = CcpClient.builder(URI.create("https://127.0.0.1:" + server.port()))
                .trust(Trust.certificates(server.caFile()))
                .identityStore(new FileIdentityStore(dir.resolve(identity)))
                .reconnectBackoff(Duration.ofMillis(100), Duration.ofSeconds(1))
                // Payloads here are unique, so a sender's resend of a stored message is recognised too.
                .deduplication(Deduplication.byContent(4096))
                .build();
        clients.add(client);
        return client;
    }

    /** Counts what the application received, by payload. */
    private static final class Counter implements SessionListener {
        final Map<String, AtomicInteger> received = new ConcurrentHashMap<>();

        @Override
        public void onMessage(IncomingMessage message) {
            received.computeIfAbsent(new String(message.payload(), StandardCharsets.UTF_8), k -> new AtomicInteger())
                    .incrementAndGet();
        }
    }

    @Test
    void aNodeKilledMidStreamLosesNoAcknowledgedMessageAndDuplicatesNone() throws Exception {
        CcpClient aliceClient = client("alice.json");
        CcpClient bobClient = client("bob.json");
        aliceClient.register("alice-" + System.nanoTime()).join();
        Enrolment bobDevice = bobClient.register("bob-" + System.nanoTime()).join();
        Counter bobHeard = new Counter();
        CcpSession alice = aliceClient.connect(new SessionListener() { }).join();
        CcpSession bob = bobClient.connect(bobHeard).join();
        long channel = ThreadLocalRandom.current().nextLong(1, 1L << 32);
        alice.join(channel, List.of(bobDevice.deviceId())).join();
        bob.join(channel, List.of()).join();

        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        List<CompletableFuture<Void>> sends = new ArrayList<>();
        long inFlightAtKill = 0;
        for (int i = 0; i < MESSAGES; i++) {
            String payload = "m-" + i;
            sends.add(alice.send(channel, payload.getBytes(StandardCharsets.UTF_8))
                    .thenRun(() -> acknowledged.add(payload)));
            if (i == MESSAGES / 3) {
                server.kill(); // with requests in flight, some stored and not yet acknowledged
                inFlightAtKill = sends.stream().filter(f -> !f.isDone()).count();
                server.start();
            }
            if (i % 10 == 0) {
                Thread.sleep(5); // a stream, not one burst
            }
        }

        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        assertEquals(MESSAGES, acknowledged.size());
        assertTrue(inFlightAtKill > 0, "the kill must hit requests in flight");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!bobHeard.received.keySet().containsAll(acknowledged) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        Thread.sleep(500); // a late second copy would show up here
        List<String> lost = acknowledged.stream().filter(p -> !bobHeard.received.containsKey(p)).sorted().toList();
        List<String> twice = bobHeard.received.entrySet().stream().filter(e -> e.getValue().get() > 1)
                .map(Map.Entry::getKey).sorted().toList();
        assertTrue(lost.isEmpty(), lost.size() + " acknowledged messages lost: " + lost);
        assertTrue(twice.isEmpty(), twice.size() + " messages delivered twice: " + twice);
    }
}
