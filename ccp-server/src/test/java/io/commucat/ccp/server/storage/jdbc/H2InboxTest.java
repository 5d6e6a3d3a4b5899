package io.commucat.ccp.server.storage.jdbc;

import io.commucat.ccp.server.storage.InboxContract;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The Inbox contract on the embedded H2 file database. */
class H2InboxTest implements InboxContract {

    @TempDir
    static Path tempDir;

    @RegisterExtension
    static final JdbcStoreExtension DATABASE = JdbcStoreExtension.h2(() -> tempDir);

    @Override
    public JdbcInbox inbox() {
        return DATABASE.store().inbox();
    }
}
