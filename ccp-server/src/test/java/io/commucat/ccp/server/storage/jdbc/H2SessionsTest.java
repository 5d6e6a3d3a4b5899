package io.commucat.ccp.server.storage.jdbc;

import io.commucat.ccp.server.storage.SessionsContract;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The Sessions contract on the embedded H2 file database. */
class H2SessionsTest implements SessionsContract {

    @TempDir
    static Path tempDir;

    @RegisterExtension
    static final JdbcStoreExtension DATABASE = JdbcStoreExtension.h2(() -> tempDir);

    @Override
    public JdbcSessions sessions() {
        return DATABASE.store().sessions();
    }
}
