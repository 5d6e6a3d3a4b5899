package io.commucat.ccp.server.storage.jdbc;

import io.commucat.ccp.server.storage.PairingCodesContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The PairingCodes contract on the real PostgreSQL server, in a schema of its own. */
class PostgresPairingCodesTest implements PairingCodesContract {

    @RegisterExtension
    static final JdbcStoreExtension DATABASE = JdbcStoreExtension.postgres();

    @Override
    public JdbcPairingCodes pairingCodes() {
        return DATABASE.store().pairingCodes();
    }

    @Override
    public JdbcDirectory directory() {
        return DATABASE.store().directory();
    }
}
