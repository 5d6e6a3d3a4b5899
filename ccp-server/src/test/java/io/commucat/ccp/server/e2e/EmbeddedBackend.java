package io.commucat.ccp.server.e2e;

import io.commucat.ccp.server.node.CcpNode;
import io.commucat.ccp.server.node.StorageBackends;
import io.commucat.ccp.server.storage.PresenceSnapshot;
import io.commucat.ccp.server.storage.jdbc.JdbcSettings;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.Map;
import java.util.Optional;

/**
 * The embedded default: each node's H2 file in its temporary data directory (read over JDBC in
 * this JVM, which shares the open database) and its in-process presence.
 * In-process presence lives only inside the node: it is read through {@link CcpNode#storage()}.
 */
final class EmbeddedBackend implements Backend {

    @Override
    public String name() {
        return "embedded";
    }

    @Override
    public Map<String, String> environment() {
        return Map.of();
    }

    @Override
    public StoredState state(CcpNode node, Path embeddedDatabase) {
        String url = JdbcSettings.h2File(embeddedDatabase).jdbcUrl();
        StorageBackends storage = node.storage();
        return new StoredState(() -> DriverManager.getConnection(url), new StoredState.PresenceReader() {
            @Override
            public Optional<String> state(String deviceId) throws Exception {
                return storage.presence().find(deviceId).map(PresenceSnapshot::state);
            }

            @Override
            public Optional<String> route(String deviceId) throws Exception {
                return storage.presence().route(deviceId);
            }
        });
    }

    @Override
    public void close() {
        // The data directories are JUnit temporary directories.
    }
}
