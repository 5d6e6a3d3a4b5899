package io.commucat.ccp.server.storage.jdbc;

import io.commucat.ccp.server.storage.GroupsContract;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The Groups contract on the embedded H2 file database. */
class H2GroupsTest implements GroupsContract {

    @TempDir
    static Path tempDir;

    @RegisterExtension
    static final JdbcStoreExtension DATABASE = JdbcStoreExtension.h2(() -> tempDir);

    @Override
    public JdbcGroups groups() {
        return DATABASE.store().groups();
    }
}
