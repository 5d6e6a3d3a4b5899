package io.commucat.ccp.server.storage.jdbc;

import io.commucat.ccp.server.storage.PairingCodesContract;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The PairingCodes contract on the embedded H2 file database. */
class H2PairingCodesTest implements PairingCodesContract {

    @TempDir
    static Path tempDir;

    @RegisterExtension
    static final JdbcStoreExtension DATABASE = JdbcStoreExtension.h2(() -> tempDir);

    @Override
    public JdbcPairingCodes pairingCodes() {
        return DATABASE.store().pairingCodes();
    }

    @Override
    public JdbcDirectory directory() {
        return DATABASE.store().directory();
    }
}
