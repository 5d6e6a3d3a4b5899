package io.commucat.ccp.server.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.commucat.ccp.client.handshake.DeviceHandshakeException;
import io.commucat.ccp.client.handshake.UserHints;
import io.commucat.ccp.client.transport.StreamClosure;
import io.commucat.ccp.client.transport.StreamListener;
import io.commucat.ccp.crypto.noise.NoisePattern;
import io.commucat.ccp.ledger.LedgerVerifier;
import io.commucat.ccp.ledger.VerificationResult;
import io.commucat.ccp.proto.FrameType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Flood control end to end (issue 15 sections 2 and 3; docs/security.md "Rate limits and flood
 * control"): a real node, every client on 127.0.0.1, small limits configured per test. Each test
 * starts its own node, since the limits keep per-address state. Extended once per backend.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
abstract class AbstractFloodControlTest {

    static final String ADMIN = "flood-control-admin-token-0123456789";

    private E2eNodes nodes;

    abstract Backend backend(String runId);

    @BeforeAll
    void setUp() throws Exception {
        nodes = E2eNodes.open("fc", this::backend);
    }

    @AfterAll
    void tearDown() {
        if (nodes != null) {
            nodes.close();
        }
    }

    private TestNode node(String name, Map<String, String> settings) throws Exception {
        Map<String, String> all = new HashMap<>(settings);
        all.put("CCP_ADMIN_TOKEN", ADMIN);
        return nodes.start(name, all);
    }

    private TestDevice newDevice() {
        return nodes.newDevice();
    }

    private String newHandle() {
        return nodes.newHandle();
    }

    // ---- /connect handshakes per address (rest.md "Rate limits") ----

    @Test
    void aConnectFloodFromOneAddressIsRefusedBeforeAnyWorkAndLeavesNoLedgerRecordPerRefusal() throws Exception {
        int burst = 5;
        int flood = 60;
        TestNode node = node("connect-flood", Map.of("CCP_SECURITY_RATE_LIMIT_CONNECT_BURST", Integer.toString(burst),
                "CCP_SECURITY_RATE_LIMIT_CONNECT_WINDOW_MS", "60000", "CCP_SECURITY_RATE_LIMIT_CONNECT_PENALTY_MS", "30000"));
        Map<Integer, Integer> statuses = new HashMap<>();
        try {
            List<Collected> streams = new ArrayList<>();
            for (int i = 0; i < flood; i++) {
                Collected stream = new Collected();
                node.connection.openConnect(stream).get(10, TimeUnit.SECONDS);
                streams.add(stream);
                // Each waits for its answer: the refused ones end at once, the admitted ones stay open.
                statuses.merge(stream.status.get(10, TimeUnit.SECONDS), 1, Integer::sum);
            }
            assertEquals(Map.of(200, burst, 429, flood - burst), statuses);
            Collected refused = streams.get(flood - 1);
            refused.closed.get(10, TimeUnit.SECONDS);
            long retryAfter = Long.parseLong(refused.headers.get("retry-after"));
            assertTrue(retryAfter >= 1 && retryAfter <= 30, "the penalty's time left: " + retryAfter);
            assertTrue(refused.text().contains("\"title\":\"TooManyRequests\""), refused.text());
            String metrics = scrape(node);
            assertTrue(metrics.contains("ccp_rate_limited_total{limit=\"connect\"} " + (flood - burst) + ".0"), metrics);
        } finally {
            node.close();
        }
        List<JsonNode> handshakeRecords = LedgerLines.records(node.config.ledger()).stream()
                .filter(r -> "handshake".equals(r.path("scope").asText())).toList();
        assertTrue(handshakeRecords.size() <= burst, "only the admitted streams may have left a record: " + handshakeRecords);
    }

    // ---- registrations per address (issue 15 section 3) ----

    @Test
    void theRegistrationOverTheBurstFailsWithAHandshakeErrorAndIsAudited() throws Exception {
        int burst = 5;
        TestNode node = node("register", Map.of("CCP_SECURITY_RATE_LIMIT_REGISTER_BURST", Integer.toString(burst),
                "CCP_SECURITY_RATE_LIMIT_REGISTER_WINDOW_MS", "3600000"));
        try {
            List<TestDevice> registered = new ArrayList<>();
            for (int i = 0; i < burst; i++) {
                TestDevice device = newDevice();
                device.connect(node, NoisePattern.XK, UserHints.handle(newHandle())).awaitEstablished();
                registered.add(device);
            }
            TestDevice sixth = newDevice();
            String handle = newHandle();
            DeviceRun run = sixth.start(node, NoisePattern.XK, UserHints.handle(handle));

            DeviceHandshakeException refusal = run.awaitRefusal();
            assertEquals("handshake", refusal.serverError());
            assertEquals("too many new devices from this address, retry later", refusal.serverDetail());
            assertEquals(FrameType.ERROR, run.lastBootstrapFrame().type());
            assertFalse(refusal.pairingRequired());
            assertTrue(node.state.device(sixth.id).isEmpty(), "nothing registered");
            assertTrue(node.state.userIdByHandle(handle).isEmpty(), "no user created");
            JsonNode failure = LedgerLines.await(node, "refused registration",
                    LedgerLines.event("handshake", "failure", sixth.id));
            assertEquals("handshake", failure.path("reason").asText());
            assertEquals("too many new devices from this address, retry later", failure.path("detail").asText());
            assertFalse(failure.path("device_known").asBoolean());

            // Known devices are not registrations: they still connect from the same address.
            registered.get(0).connect(node, NoisePattern.XK, UserHints.NONE).awaitEstablished();
            assertTrue(scrape(node).contains("ccp_rate_limited_total{limit=\"register\"} 1.0"));
        } finally {
            node.close();
        }
    }

    // ---- repeated handshake failures (issue 15 section 2: the ledger must not fill the disk) ----

    @Test
    void aThousandFailingHandshakesFromOneAddressLeaveABoundedNumberOfRecordsWhoseCountsAddUp() throws Exception {
        int failures = 1_000;
        TestNode node = node("failures", Map.of("CCP_SECURITY_RATE_LIMIT_FAILURE_RECORDS_PER_INTERVAL", "1",
                "CCP_SECURITY_RATE_LIMIT_FAILURE_SUMMARY_INTERVAL_MS", "3600000"));
        try {
            failHandshakes(node, failures);
        } finally {
            node.close(); // the summary of the open interval is written before "stop"
        }
        VerificationResult verified = new LedgerVerifier().verify(LedgerLines.files(node.config.ledger()));
        assertTrue(verified.ok(), verified::toString);
        List<JsonNode> records = LedgerLines.records(node.config.ledger());
        List<JsonNode> oneByOne = records.stream().filter(r -> "handshake".equals(r.path("scope").asText())
                && "failure".equals(r.path("result").asText())).toList();
        List<JsonNode> summaries = records.stream().filter(r -> "handshake".equals(r.path("scope").asText())
                && "failure_summary".equals(r.path("result").asText())).toList();
        assertEquals(1, oneByOne.size(), "only the first failure of the interval is written one by one");
        assertEquals(1, summaries.size());
        JsonNode summary = summaries.get(0);
        assertEquals("127.0.0.1", summary.path("remote_addr").asText());
        assertEquals(failures - 1, summary.path("count").asLong());
        assertEquals(failures - 1, summary.path("reasons").path("decode").asLong());
        assertEquals(3_600_000, summary.path("interval_ms").asLong());
        assertTrue(summary.path("first_at").asText().compareTo(summary.path("last_at").asText()) <= 0, summary::toString);
        JsonNode stop = records.get(records.size() - 1);
        assertEquals("stop", stop.path("action").asText(), "the summary comes before the server's stop");
    }

    @Test
    void theSummaryIsWrittenWhenTheIntervalEndsAndTheSizeOfTheLedgerIsAMetric() throws Exception {
        int failures = 20;
        TestNode node = node("summary", Map.of("CCP_SECURITY_RATE_LIMIT_FAILURE_RECORDS_PER_INTERVAL", "1",
                "CCP_SECURITY_RATE_LIMIT_FAILURE_SUMMARY_INTERVAL_MS", "2000"));
        try {
            failHandshakes(node, failures);
            LedgerLines.await(node, "a summary while the node runs",
                    r -> "failure_summary".equals(r.path("result").asText()));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (counted(node) < failures && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(failures, counted(node), "records one by one plus the summaries' counts");

            String metrics = scrape(node);
            String line = metrics.lines().filter(l -> l.startsWith("ccp_ledger_bytes ")).findFirst()
                    .orElseThrow(() -> new AssertionError("no ccp_ledger_bytes in " + metrics));
            double bytes = Double.parseDouble(line.substring("ccp_ledger_bytes ".length()));
            assertTrue(bytes > 0, line);
            assertTrue(bytes <= onDisk(node), line + " vs " + onDisk(node) + " on disk now");
            assertTrue(metrics.contains("ccp_handshakes_total{pattern=\"null\",reason=\"decode\",result=\"failure\"} "
                    + failures + ".0"), "every failure is counted in the metric, written or not");
        } finally {
            node.close();
        }
    }

    /** Failures written one by one plus those counted in summaries, so far. */
    private static long counted(TestNode node) throws IOException {
        long total = 0;
        for (JsonNode r : LedgerLines.records(node.config.ledger())) {
            if ("handshake".equals(r.path("scope").asText()) && "failure".equals(r.path("result").asText())) {
                total++;
            } else if ("failure_summary".equals(r.path("result").asText())) {
                total += r.path("count").asLong();
            }
        }
        return total;
    }

    private static long onDisk(TestNode node) throws IOException {
        long total = 0;
        for (Path file : LedgerLines.files(node.config.ledger())) {
            total += Files.size(file);
        }
        return total;
    }

    /** {@code count} bootstraps that fail with a decode error, 50 streams at a time on one connection. */
    private static void failHandshakes(TestNode node, int count) throws Exception {
        for (int done = 0; done < count; ) {
            List<RawStream> batch = new ArrayList<>();
            for (int i = 0; i < 50 && done + i < count; i++) {
                RawStream raw = RawStream.open(node.connection);
                raw.send(new byte[] {4, 0x7f, 0, 0, 0});
                batch.add(raw);
            }
            for (RawStream raw : batch) {
                assertEquals("decode", raw.nextFrame().control().text("error"));
                raw.awaitClosed();
            }
            done += batch.size();
        }
    }

    private static String scrape(TestNode node) throws Exception {
        Collected metrics = new Collected();
        node.connection.openStream("GET", "/metrics", Map.of("authorization", "Bearer " + ADMIN), true, metrics)
                .get(10, TimeUnit.SECONDS);
        metrics.closed.get(10, TimeUnit.SECONDS);
        assertEquals(200, metrics.status.get());
        return metrics.text();
    }

    /** A stream's response, collected. */
    static final class Collected extends StreamListener {
        final CompletableFuture<Integer> status = new CompletableFuture<>();
        final CompletableFuture<StreamClosure> closed = new CompletableFuture<>();
        final Map<String, String> headers = new java.util.concurrent.ConcurrentHashMap<>();
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();

        @Override
        public void onResponseHead(int code, Map<String, String> head) {
            headers.putAll(head);
            status.complete(code);
        }

        @Override
        public void onData(byte[] data) {
            synchronized (body) {
                body.writeBytes(data);
            }
        }

        @Override
        public void onClosed(StreamClosure closure) {
            closed.complete(closure);
        }

        String text() {
            synchronized (body) {
                return body.toString(StandardCharsets.UTF_8);
            }
        }
    }
}
