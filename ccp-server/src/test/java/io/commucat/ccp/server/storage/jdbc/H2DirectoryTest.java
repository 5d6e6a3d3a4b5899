package io.commucat.ccp.server.storage.jdbc;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The Directory contract on the embedded H2 file database. */
class H2DirectoryTest implements JdbcDirectoryContract {

    @TempDir
    static Path tempDir;

    @RegisterExtension
    static final JdbcStoreExtension DATABASE = JdbcStoreExtension.h2(() -> tempDir);

    @Override
    public JdbcDirectory directory() {
        return DATABASE.store().directory();
    }

    @Override
    public JdbcSessions sessions() {
        return DATABASE.store().sessions();
    }
}
