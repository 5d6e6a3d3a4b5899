package io.commucat.ccp.server.storage.jdbc;

import io.commucat.ccp.server.storage.SessionsContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Sessions contract on the real PostgreSQL server, in a schema of its own. */
class PostgresSessionsTest implements SessionsContract {

    @RegisterExtension
    static final JdbcStoreExtension DATABASE = JdbcStoreExtension.postgres();

    @Override
    public JdbcSessions sessions() {
        return DATABASE.store().sessions();
    }
}
