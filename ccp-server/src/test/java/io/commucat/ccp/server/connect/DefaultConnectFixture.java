package io.commucat.ccp.server.connect;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** Tests over a fresh {@link ConnectFixture} with the default policy each: they extend this. */
abstract class DefaultConnectFixture {

    @TempDir
    Path dir;

    /** The node under test, new for each test. */
    ConnectFixture f;

    @BeforeEach
    void startFixture() throws Exception {
        f = new ConnectFixture(dir, ConnectFixture.PolicyChange.NONE);
    }

    @AfterEach
    void closeFixture() throws Exception {
        f.close();
    }
}
