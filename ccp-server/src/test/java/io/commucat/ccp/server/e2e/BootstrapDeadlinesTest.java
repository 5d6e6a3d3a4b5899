package io.commucat.ccp.server.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.commucat.ccp.client.handshake.DeviceHandshake;
import io.commucat.ccp.client.handshake.UserHints;
import io.commucat.ccp.client.transport.H2Connection;
import io.commucat.ccp.crypto.noise.NoisePattern;
import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.proto.FrameCodec;
import io.commucat.ccp.proto.FrameType;
import io.commucat.ccp.server.handshake.SessionTokens;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The bootstrap deadlines on a real node over TLS and HTTP/2, set through
 * {@code [security.timeouts]}: a {@code /connect} that never sends its Hello, or never its Auth,
 * is ended with ccp-1.md §4.5's handshake Error and recorded in the ledger as a {@code timeout},
 * however well its connection answers PINGs. The missing Auth runs on both storages (embedded,
 * PostgreSQL + Redis); the PING case only on the embedded one (it waits past the 5 s PING).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(30)
class BootstrapDeadlinesTest {

    /** Past the first PING (keepalive 1 s: the §4.3 floor of 5 s), so that PINGs were answered first. */
    private static final long PINGED_HELLO_MS = 6_000;

    private Path root;
    private final String runId = "dl" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    private MultiThreadIoEventLoopGroup clientLoops;
    private final Backend embedded = new EmbeddedBackend();
    private Backend postgresRedis;
    private TestNode pinged;
    private final Map<String, TestNode> hasty = new HashMap<>();

    @BeforeAll
    void start() throws Exception {
        root = Files.createTempDirectory("ccp-deadlines-");
        clientLoops = new MultiThreadIoEventLoopGroup(2, new DefaultThreadFactory("deadline-client-loop", true),
                NioIoHandler.newFactory());
        pinged = TestNode.start(embedded, root.resolve("pinged"), Map.of("CCP_SERVER_KEEPALIVE", "1",
                "CCP_SECURITY_TIMEOUTS_HELLO_MS", Long.toString(PINGED_HELLO_MS),
                "CCP_SECURITY_TIMEOUTS_BOOTSTRAP_MS", Long.toString(PINGED_HELLO_MS)), clientLoops);
        postgresRedis = new PostgresRedisBackend(runId);
        Map<String, String> hastyDeadlines = Map.of("CCP_SECURITY_TIMEOUTS_HELLO_MS", "300",
                "CCP_SECURITY_TIMEOUTS_BOOTSTRAP_MS", "600");
        hasty.put("embedded", TestNode.start(embedded, root.resolve("hasty"), hastyDeadlines, clientLoops));
        hasty.put("postgres-redis", TestNode.start(postgresRedis, root.resolve("hasty-pg"), hastyDeadlines, clientLoops));
    }

    @AfterAll
    void stop() throws IOException {
        for (TestNode node : hasty.values()) {
            node.close();
        }
        if (pinged != null) {
            pinged.close();
        }
        if (postgresRedis != null) {
            postgresRedis.close();
        }
        clientLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void aConnectWithoutHelloIsEndedWithTheHandshakeErrorThoughItsConnectionAnswersPings() throws Exception {
        H2Connection connection = pinged.newConnection();
        try {
            RawStream raw = RawStream.open(connection);

            Frame error = raw.nextFrame();
            assertTrue(connection.pingsReceived() >= 1, "the connection was pinged and answered meanwhile");
            assertEquals(FrameType.ERROR, error.type());
            assertEquals(0, error.channelId());
            assertEquals("handshake", error.control().text("error"));
            assertEquals("no Hello within " + PINGED_HELLO_MS + " ms", error.control().text("detail"));
            assertTrue(raw.awaitClosed().completed(), "the stream ends after the Error");
            assertTrue(connection.isActive(), "the connection itself stays");
            LedgerLines.await(pinged, "hello timeout", r -> "handshake".equals(r.path("scope").asText())
                    && "failure".equals(r.path("result").asText()) && "timeout".equals(r.path("reason").asText())
                    && "hello".equals(r.path("stage").asText()));
        } finally {
            connection.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"embedded", "postgres-redis"})
    void aHelloWithoutTheDevicesAuthIsEndedWithTheHandshakeErrorAtTheBootstrapDeadline(String storage) throws Exception {
        TestNode node = hasty.get(storage);
        TestDevice device = new TestDevice(runId + "-dev-" + storage);
        DeviceHandshake handshake = device.handshake(node, NoisePattern.XK, UserHints.handle(runId + "-user-" + storage));
        RawStream raw = RawStream.open(node.connection);
        raw.send(FrameCodec.encode(handshake.hello()));
        Frame auth = raw.nextFrame();
        assertEquals(FrameType.AUTH, auth.type());

        Frame error = raw.nextFrame();
        assertEquals(FrameType.ERROR, error.type());
        assertEquals("handshake", error.control().text("error"));
        assertEquals("handshake not completed within 600 ms", error.control().text("detail"));
        assertTrue(raw.awaitClosed().completed());
        JsonNode failure = LedgerLines.await(node, "bootstrap timeout", r -> "handshake".equals(r.path("scope").asText())
                && "failure".equals(r.path("result").asText()) && "timeout".equals(r.path("reason").asText())
                && device.id.equals(r.path("device").asText()));
        assertEquals("await_client", failure.path("stage").asText());
        assertEquals("handshake not completed within 600 ms", failure.path("detail").asText());
        assertTrue(node.state.session(SessionTokens.hash(auth.control().text("session"))).isEmpty());
        String metrics = node.scrapeMetrics();
        assertTrue(metrics.contains("ccp_connections_closed_total{reason=\"bootstrap_timeout\"} 1.0"), metrics);
        assertTrue(metrics.contains("ccp_handshakes_total{pattern=\"XK\",reason=\"timeout\",result=\"failure\"} 1.0"),
                metrics);
    }
}
