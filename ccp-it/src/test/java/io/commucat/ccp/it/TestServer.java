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

    final CcpNode node;
    final Path dir;
    private final DataDirectory data;

    private TestServer(CcpNode node, DataDirectory data, Path dir) {
        this.node = node;
        this.data = data;
        this.dir = dir;
    }

    /** @param settings more {@code CCP_*} settings */
    static TestServer start(Path dir, Map<String, String> settings) throws Exception {
        Map<String, String> env = new HashMap<>(settings);
        env.put("CCP_SERVER_BIND", "127.0.0.1:0");
        env.put("CCP_SERVER_DATA_DIR", dir.resolve("server").toString());
        // Every client here registers from 127.0.0.1.
        env.put("CCP_SECURITY_RATE_LIMIT_REGISTER_BURST", "1000");
        ServerConfig config = new ConfigLoader(env, warning -> { }).load(Optional.empty(), List.of());
        DataDirectory data = new DataDirectoryBootstrap().prepare(config);
        return new TestServer(CcpNode.start(config, data), data, dir);
    }

    /** A client whose identity is kept in {@code identity} under this server's directory. */
    CcpClient client(String identity) {
        return CcpClient.builder(URI.create("https://127.0.0.1:" + node.port()))
                .trust(Trust.certificates(devCa()))
                .identityStore(new FileIdentityStore(dir.resolve(identity)))
                .build();
    }

    /** The node's HTTPS port on 127.0.0.1. */
    int port() {
        return node.port();
    }

    /** The development CA that issued the node's TLS certificate. */
    Path devCa() {
        return data.root().resolve(DataDirectory.DEV_CA_CERT);
    }

    /** The node's TLS certificate (for {@code localhost}, 127.0.0.1 and ::1). */
    Path tlsCertificate() {
        return data.root().resolve(DataDirectory.TLS_CERT);
    }

    /** The node's TLS private key (PKCS#8 PEM). */
    Path tlsKey() {
        return data.root().resolve(DataDirectory.TLS_KEY);
    }

    @Override
    public void close() {
        node.close();
    }
}
