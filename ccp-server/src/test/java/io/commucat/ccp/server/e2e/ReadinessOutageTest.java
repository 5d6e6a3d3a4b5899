package io.commucat.ccp.server.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.commucat.ccp.client.transport.H2Connection;
import io.commucat.ccp.client.transport.H2Response;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.URI;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /readyz} on a node whose PostgreSQL stops answering (issue #15 §5): the node reaches
 * the real PostgreSQL through a {@link FreezingProxy}; frozen, the database accepts and never
 * answers. The machine's PostgreSQL itself is never touched.
 */
@Timeout(60)
class ReadinessOutageTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void readyzNamesAHangingDatabaseWithin1sAndRecovers(@TempDir Path root) throws Exception {
        String runId = "ready" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        MultiThreadIoEventLoopGroup loops = new MultiThreadIoEventLoopGroup(1,
                new DefaultThreadFactory("readiness-client", true), NioIoHandler.newFactory());
        try (PostgresRedisBackend backend = new PostgresRedisBackend(runId)) {
            String dsn = backend.environment().get("CCP_STORAGE_POSTGRES_DSN");
            URI postgres = URI.create(dsn.substring("jdbc:".length()));
            try (FreezingProxy proxy = new FreezingProxy(postgres.getHost(), postgres.getPort())) {
                String proxied = dsn.replace(postgres.getHost() + ":" + postgres.getPort(), "127.0.0.1:" + proxy.port());
                try (TestNode node = TestNode.start(backend, root, Map.of("CCP_STORAGE_POSTGRES_DSN", proxied), loops)) {
                    H2Connection connection = node.connection;
                    JsonNode healthy = readyz(connection, 200);
                    assertEquals("up", healthy.get("dependencies").get("postgres").asText());
                    assertEquals("up", healthy.get("dependencies").get("redis").asText());
                    assertEquals("up", healthy.get("dependencies").get("ledger").asText());

                    proxy.freeze();
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                    JsonNode down;
                    do {
                        // Every answer within a second, whatever the database does (it took 5 s).
                        H2Response response = connection.get("/readyz").get(1, TimeUnit.SECONDS);
                        down = JSON.readTree(response.body());
                        if (response.status() == 503) {
                            break;
                        }
                        Thread.sleep(100);
                    } while (System.nanoTime() < deadline);
                    assertEquals("not_ready", down.get("status").asText(), down.toString());
                    assertEquals("down", down.get("dependencies").get("postgres").asText());
                    assertEquals("up", down.get("dependencies").get("redis").asText());

                    proxy.thaw();
                    assertEquals("up", readyz(connection, 200).get("dependencies").get("postgres").asText());
                }
            }
        } finally {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    /** Polls until {@code /readyz} answers {@code status} (probes run every second), each answer within 1 s. */
    private static JsonNode readyz(H2Connection connection, int status) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            H2Response response = connection.get("/readyz").get(1, TimeUnit.SECONDS);
            if (response.status() == status) {
                return JSON.readTree(response.body());
            }
            assertTrue(System.nanoTime() < deadline, "still " + response.status() + ": " + response.bodyText());
            Thread.sleep(100);
        }
    }
}
