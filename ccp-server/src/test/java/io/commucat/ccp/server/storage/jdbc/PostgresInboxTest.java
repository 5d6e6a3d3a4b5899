package io.commucat.ccp.server.storage.jdbc;

import io.commucat.ccp.server.storage.InboxContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Inbox contract on the real PostgreSQL server, in a schema of its own. */
class PostgresInboxTest implements InboxContract {

    @RegisterExtension
    static final JdbcStoreExtension DATABASE = JdbcStoreExtension.postgres();

    @Override
    public JdbcInbox inbox() {
        return DATABASE.store().inbox();
    }
}
