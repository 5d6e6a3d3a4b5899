package io.commucat.ccp.server.storage.jdbc;

import io.commucat.ccp.server.storage.SecretsContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Secrets contract on the real PostgreSQL server, in a schema of its own. */
class PostgresSecretsTest implements SecretsContract {

    @RegisterExtension
    static final JdbcStoreExtension DATABASE = JdbcStoreExtension.postgres();

    @Override
    public JdbcSecrets secrets() {
        return DATABASE.store().secrets();
    }
}
