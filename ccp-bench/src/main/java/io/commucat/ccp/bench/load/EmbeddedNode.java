package io.commucat.ccp.bench.load;

import io.commucat.ccp.server.config.ConfigLoader;
import io.commucat.ccp.server.config.ServerConfig;
import io.commucat.ccp.server.datadir.DataDirectory;
import io.commucat.ccp.server.datadir.DataDirectoryBootstrap;
import io.commucat.ccp.server.node.CcpNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A {@link CcpNode} on the embedded default (H2 file, in-process presence) in a temporary data
 * directory, listening on {@code 127.0.0.1:0}. Closing it stops the node and deletes the directory.
 */
final class EmbeddedNode implements AutoCloseable {

    private final Path dataDir;
    private final DataDirectory data;
    private final CcpNode node;
    private final ServerConfig config;

    private EmbeddedNode(Path dataDir, DataDirectory data, ServerConfig config, CcpNode node) {
        this.dataDir = dataDir;
        this.data = data;
        this.config = config;
        this.node = node;
    }

    /**
     * @param overrides more {@code CCP_*} settings (e.g. a PostgreSQL DSN), applied over ours
     */
    static EmbeddedNode start(Map<String, String> overrides) throws Exception {
        Path dir = Files.createTempDirectory("ccp-load-");
        Map<String, String> env = new HashMap<>();
        env.put("CCP_SERVER_BIND", "127.0.0.1:0");
        env.put("CCP_SERVER_DATA_DIR", dir.toString());
        // New devices register themselves (the default), each under a user of its own.
        env.put("CCP_SERVER_AUTO_APPROVE_DEVICES", "true");
        // One client address makes all the load: per-address limits would measure the limiter.
        env.put("CCP_SECURITY_RATE_LIMIT_CONNECT_BURST", "1000000");
        env.put("CCP_SECURITY_RATE_LIMIT_HTTP_BURST", "1000000");
        env.put("CCP_SECURITY_RATE_LIMIT_REGISTER_BURST", "1000000");
        env.put("CCP_SECURITY_RATE_LIMIT_MAX_CONNECTIONS_PER_ADDRESS", "1000000");
        env.putAll(overrides);
        ServerConfig config = new ConfigLoader(env, w -> System.err.println("config warning: " + w))
                .load(Optional.empty(), List.of());
        DataDirectory data = new DataDirectoryBootstrap().prepare(config);
        CcpNode node = CcpNode.start(config, data);
        return new EmbeddedNode(dir, data, config, node);
    }

    int port() {
        return node.port();
    }

    String domain() {
        return config.server().domain();
    }

    byte[] prologue() {
        return config.crypto().prologueBytes();
    }

    /** The development CA that signed the node's TLS certificate. */
    Path devCa() {
        return dataDir.resolve(DataDirectory.DEV_CA_CERT);
    }

    DataDirectory data() {
        return data;
    }

    @Override
    public void close() {
        node.close();
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
