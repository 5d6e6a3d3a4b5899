package io.commucat.ccp.server.storage.jdbc;

import org.junit.jupiter.api.extension.RegisterExtension;

/** The Directory contract on the real PostgreSQL server, in a schema of its own. */
class PostgresDirectoryTest implements JdbcDirectoryContract {

    @RegisterExtension
    static final JdbcStoreExtension DATABASE = JdbcStoreExtension.postgres();

    @Override
    public JdbcDirectory directory() {
        return DATABASE.store().directory();
    }

    @Override
    public JdbcSessions sessions() {
        return DATABASE.store().sessions();
    }
}
