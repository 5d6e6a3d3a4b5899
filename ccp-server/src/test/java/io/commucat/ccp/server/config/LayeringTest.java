package io.commucat.ccp.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayeringTest {

    @TempDir
    Path dir;

    private ConfigFixtures fixtures;

    @BeforeEach
    void setUp() {
        fixtures = new ConfigFixtures(dir);
    }

    @Test
    void environmentOverridesFile() throws Exception {
        ServerConfig c = fixtures.load("[server]\nbind = \"127.0.0.1:1000\"\nkeepalive = 10\n",
                Map.of("CCP_SERVER_BIND", "127.0.0.1:2000"));
        assertEquals(2000, c.server().bind().port());
        assertEquals(Duration.ofSeconds(10), c.server().keepalive());
    }

    @Test
    void flagOverridesEnvironment() throws Exception {
        ServerConfig c = fixtures.load("[server]\nbind = \"127.0.0.1:1000\"\n",
                Map.of("CCP_SERVER_BIND", "127.0.0.1:2000", "CCP_SERVER_DATA_DIR", "/tmp/env-data"),
                new FlagOverride("server.bind", "--bind", "127.0.0.1:3000"),
                new FlagOverride("server.data_dir", "--data", dir.resolve("flag-data").toString()));
        assertEquals(3000, c.server().bind().port());
        assertEquals(dir.resolve("flag-data"), c.server().dataDir());
    }

    @Test
    void nestedSectionsMapToUnderscoredVariables() throws Exception {
        ServerConfig c = fixtures.loadEnv(Map.of(
                "CCP_SECURITY_RATE_LIMIT_HTTP_BURST", "7",
                "CCP_ROTATION_DEVICE_ENABLED", "false",
                "CCP_SECURITY_HTTP_MAX_CONCURRENT_STREAMS", "9"));
        assertEquals(7, c.rateLimits().http().burst());
        assertEquals(false, c.deviceRotation().enabled());
        assertEquals(9, c.http().maxConcurrentStreams());
    }

    @Test
    void variableNameIsCcpPlusSectionAndKeyUpperCased() {
        assertEquals("CCP_STORAGE_POSTGRES_DSN", ConfigLoader.environmentVariable("storage.postgres_dsn"));
        assertEquals("CCP_SECURITY_RATE_LIMIT_PAIRING_PENALTY_MS",
                ConfigLoader.environmentVariable("security.rate_limit.pairing_penalty_ms"));
    }

    @Test
    void emptyVariableClearsAnOptionalKeyFromTheFile() throws Exception {
        ServerConfig c = fixtures.load("[storage]\nredis_url = \"redis://x:6379\"\n", Map.of("CCP_STORAGE_REDIS_URL", ""));
        assertTrue(c.storage().inProcessPresence());
    }

    @Test
    void unknownVariableOfOurSectionsIsAWarning() throws Exception {
        fixtures.loadEnv(Map.of("CCP_SERVER_KEEPALVE", "5"));
        assertEquals(List.of("CCP_SERVER_KEEPALVE: no such configuration key; variable ignored"), fixtures.warnings);
    }

    @Test
    void variablesOfOtherToolsAreIgnoredSilently() throws Exception {
        fixtures.loadEnv(Map.of("CCP_VECTORS_DIR", "/x", "PATH", "/bin"));
        assertEquals(List.of(), fixtures.warnings);
    }

    @Test
    void everyKeyHasItsOwnVariable() {
        // LayeredSettings throws when two keys share a variable; loading the defaults reads every key.
        ConfigLoader.defaults();
    }
}
