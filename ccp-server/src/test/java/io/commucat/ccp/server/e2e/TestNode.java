package io.commucat.ccp.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.commucat.ccp.client.transport.H2Connection;
import io.commucat.ccp.client.transport.H2Response;
import io.commucat.ccp.client.transport.H2Transport;
import io.commucat.ccp.crypto.Hex;
import io.commucat.ccp.crypto.keys.DeviceCaKeyPair;
import io.commucat.ccp.server.config.ConfigLoader;
import io.commucat.ccp.server.config.ServerConfig;
import io.commucat.ccp.server.datadir.DataDirectory;
import io.commucat.ccp.server.datadir.DataDirectoryBootstrap;
import io.commucat.ccp.server.node.CcpNode;
import io.netty.channel.EventLoopGroup;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real node as {@code ccp serve} starts it ({@link CcpNode#start}) on {@code 127.0.0.1:0},
 * with its own data directory (dev CA and TLS certificate made there, and the default file
 * audit ledger), plus one HTTP/2 client connection that trusts that dev CA.
 */
final class TestNode implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    static final Map<String, String> GENEROUS_LIMITS = Map.of(
            "CCP_SECURITY_RATE_LIMIT_HTTP_BURST", "1000000",
            "CCP_SECURITY_RATE_LIMIT_CONNECT_BURST", "1000000",
            "CCP_SECURITY_RATE_LIMIT_REGISTER_BURST", "1000000",
            "CCP_SECURITY_RATE_LIMIT_MAX_CONNECTIONS_PER_ADDRESS", "1000000",
            "CCP_SECURITY_RATE_LIMIT_FAILURE_RECORDS_PER_INTERVAL", "1000000");

    final ServerConfig config;
    final DataDirectory data;
    final CcpNode node;
    final H2Transport transport;
    final H2Connection connection;
    final StoredState state;
    /** {@code noise_public} from {@code /api/server-info}. */
    final byte[] noisePublic;
    /** {@code device_ca_public} from {@code /api/server-info}. */
    final byte[] caPublic;

    private TestNode(ServerConfig config, DataDirectory data, CcpNode node, H2Transport transport,
            H2Connection connection, StoredState state, byte[] noisePublic, byte[] caPublic) {
        this.config = config;
        this.data = data;
        this.node = node;
        this.transport = transport;
        this.connection = connection;
        this.state = state;
        this.noisePublic = noisePublic;
        this.caPublic = caPublic;
    }

    /**
     * @param settings extra {@code CCP_*} variables (policy) on top of the backend's storage ones
     */
    static TestNode start(Backend backend, Path dataDir, Map<String, String> settings, EventLoopGroup clientLoops)
            throws Exception {
        Map<String, String> env = new HashMap<>(backend.environment());
        env.put("CCP_SERVER_BIND", "127.0.0.1:0");
        env.put("CCP_SERVER_DATA_DIR", dataDir.toString());
        // Every test device connects from 127.0.0.1: per-address limits generous enough for the
        // suites (tests of the limits set their own small ones through settings).
        env.putAll(GENEROUS_LIMITS);
        env.putAll(settings);
        ServerConfig config = new ConfigLoader(env, warning -> { }).load(Optional.empty(), List.of());
        DataDirectory data = new DataDirectoryBootstrap().prepare(config);
        CcpNode node = CcpNode.start(config, data);
        H2Transport transport = null;
        try {
            transport = H2Transport.builder("127.0.0.1", node.port())
                    .trustCertificates(data.root().resolve(DataDirectory.DEV_CA_CERT))
                    .eventLoopGroup(clientLoops)
                    .build();
            H2Connection connection = transport.connect().get(10, TimeUnit.SECONDS);
            H2Response info = connection.get("/api/server-info").get(10, TimeUnit.SECONDS);
            JsonNode json = JSON.readTree(info.body());
            return new TestNode(config, data, node, transport, connection,
                    backend.state(node, data.embeddedDatabase()), Hex.decode(json.path("noise_public").asText()),
                    Hex.decode(json.path("device_ca_public").asText()));
        } catch (Exception | Error e) {
            node.close();
            throw e;
        }
    }

    /** {@code /metrics} as text, with the node's admin token (configured, or generated in the data directory). */
    String scrapeMetrics() throws Exception {
        String token = config.admin().token().orElse(
                java.nio.file.Files.readString(data.root().resolve(DataDirectory.ADMIN_TOKEN)).trim());
        H2Response response = connection.request("GET", "/metrics", Map.of("authorization", "Bearer " + token))
                .get(10, TimeUnit.SECONDS);
        if (response.status() != 200) {
            throw new AssertionError("/metrics answered " + response.status());
        }
        return new String(response.body(), java.nio.charset.StandardCharsets.UTF_8);
    }

    String domain() {
        return config.server().domain();
    }

    /** A fresh connection of the same client (same trust, same loops). */
    H2Connection newConnection() throws Exception {
        return transport.connect().get(10, TimeUnit.SECONDS);
    }

    /** A transport like this node's but with other settings (e.g. PINGs not answered). */
    H2Transport.Builder transportBuilder() {
        return H2Transport.builder("127.0.0.1", node.port())
                .trustCertificates(data.root().resolve(DataDirectory.DEV_CA_CERT));
    }

    /**
     * The device CA key the node signs with, re-derived from the data directory's seed; checked
     * against what the node publishes (on PostgreSQL the first node of a schema stores its seed).
     */
    DeviceCaKeyPair deviceCaKey() {
        DeviceCaKeyPair key = DeviceCaKeyPair.fromSeed(data.deviceCaSeed().bytes());
        if (!Arrays.equals(key.publicKey(), caPublic)) {
            throw new AssertionError("this node signs with another data directory's device CA");
        }
        return key;
    }

    @Override
    public void close() {
        try {
            connection.close();
            transport.close();
        } finally {
            node.close();
        }
    }
}
