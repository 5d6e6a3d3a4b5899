package io.commucat.ccp.it;

import io.commucat.ccp.client.CcpClient;
import io.commucat.ccp.client.FileIdentityStore;
import io.commucat.ccp.client.Trust;
import io.commucat.ccp.server.config.ConfigLoader;
import io.commucat.ccp.server.config.ServerConfig;
import io.commucat.ccp.server.datadir.DataDirectory;
import io.commucat.ccp.server.datadir.DataDirectoryBootstrap;
import io.commucat.ccp.server.node.CcpNode;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A real node on the embedded default in {@code dir} ({@code 127.0.0.1:0}, its development CA),
 * and SDK clients of it with identities in the same directory.
 */
final class TestServer implements AutoCloseable {

    volatile CcpNode node;
    final Path dir;
    private final Map<String, String> settings;
    private final DataDirectory data;
    private final int port;

    private TestServer(CcpNode node, DataDirectory data, Path dir, Map<String, String> settings) {
        this.node = node;
        this.data = data;
        this.dir = dir;
        this.settings = settings;
        this.port = node.port();
    }

    /** @param settings more {@code CCP_*} settings */
    static TestServer start(Path dir, Map<String, String> settings) throws Exception {
        ServerConfig config = config(dir, settings, 0);
        DataDirectory data = new DataDirectoryBootstrap().prepare(config);
        return new TestServer(CcpNode.start(config, data), data, dir, settings);
    }

    private static ServerConfig config(Path dir, Map<String, String> settings, int port) throws Exception {
        Map<String, String> env = new HashMap<>(settings);
        env.put("CCP_SERVER_BIND", "127.0.0.1:" + port);
        env.put("CCP_SERVER_DATA_DIR", dir.resolve("server").toString());
        // Every client here registers from 127.0.0.1.
        env.put("CCP_SECURITY_RATE_LIMIT_REGISTER_BURST", "1000");
        return new ConfigLoader(env, warning -> { }).load(Optional.empty(), List.of());
    }

    int port() {
        return port;
    }

    /** The development CA the server's certificate chains to. */
    Path caFile() {
        return data.root().resolve(DataDirectory.DEV_CA_CERT);
    }

    /** Stops the node (gracefully: sessions hear {@code shutdown}). */
    void stop() {
        node.close();
    }

    /** Starts the node again on the same port and data directory. */
    void restart() throws Exception {
        ServerConfig config = config(dir, settings, port);
        node = CcpNode.start(config, new DataDirectoryBootstrap().prepare(config));
    }

    /** The node's address, {@code https://127.0.0.1:<port>}. */
    URI uri() {
        return URI.create("https://127.0.0.1:" + port);
    }

    /** A client whose identity is kept in {@code identity} under this server's directory. */
    CcpClient client(String identity) {
        return builder(identity, port).build();
    }

    /** A client builder for {@code identity} reaching the server through {@code viaPort} (a proxy's). */
    CcpClient.Builder builder(String identity, int viaPort) {
        return CcpClient.builder(URI.create("https://127.0.0.1:" + viaPort))
                .trust(Trust.certificates(caFile()))
                .identityStore(new FileIdentityStore(dir.resolve(identity)));
    }

    /** The development CA that issued the node's TLS certificate. */
    Path devCa() {
        return caFile();
    }

    /** The node's TLS certificate (for {@code localhost}, 127.0.0.1 and ::1). */
    Path tlsCertificate() {
        return data.root().resolve(DataDirectory.TLS_CERT);
    }

    /** The node's TLS private key (PKCS#8 PEM). */
    Path tlsKey() {
        return data.root().resolve(DataDirectory.TLS_KEY);
    }

    /**
     * The Noise patterns of {@code deviceId}'s successful bootstraps, oldest first, from the
     * node's audit ledger; waits up to 10 s for at least {@code atLeast} (the ledger writes behind).
     */
    List<String> handshakePatterns(String deviceId, int atLeast) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (true) {
            List<String> patterns = new java.util.ArrayList<>();
            try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(dir.resolve("server"))) {
                for (Path file : files.filter(f -> f.getFileName().toString().matches("ledger-\\d+\\.jsonl"))
                        .sorted().toList()) {
                    for (String line : java.nio.file.Files.readAllLines(file)) {
                        if (line.contains("\"device\":\"" + deviceId + "\"") && line.contains("\"result\":\"success\"")
                                && line.contains("\"pattern\":")) {
                            patterns.add(line.replaceAll(".*\"pattern\":\"([A-Z]+)\".*", "$1"));
                        }
                    }
                }
            }
            if (patterns.size() >= atLeast || System.nanoTime() > deadline) {
                return patterns;
            }
            Thread.sleep(100);
        }
    }

    @Override
    public void close() {
        node.close();
    }
}
