package io.commucat.ccp.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.commucat.ccp.server.config.ConfigException.Kind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code [security.downstream]}'s browser fallbacks (SSE and long-poll): defaults, the file and the environment, validation. */
class BrowserFallbacksConfigTest {

    @TempDir
    Path dir;

    private ConfigFixtures fixtures;

    @BeforeEach
    void setUp() {
        fixtures = new ConfigFixtures(dir);
    }

    @Test
    void defaultsArePolls25SecondsOrOneMebibyteGrace60SecondsAndOneMebibyteHeld64Ahead() {
        ServerConfig.Browser b = ConfigLoader.defaults().downstream().browser();
        assertEquals(new ServerConfig.Browser(Duration.ofSeconds(25), 1_048_576, Duration.ofSeconds(60), 1_048_576, 64), b);
        assertEquals(ServerConfig.Browser.DEFAULTS, b);
    }

    @Test
    void everyKeyIsReadFromTheFile() throws Exception {
        ServerConfig.Browser b = fixtures.load("[security.downstream]\npoll_timeout = 10\npoll_max_bytes = 65536\n"
                + "poll_grace = 30\nupstream_held_bytes = 32768\nupstream_max_ahead = 8\n").downstream().browser();
        assertEquals(new ServerConfig.Browser(Duration.ofSeconds(10), 65_536, Duration.ofSeconds(30), 32_768, 8), b);
    }

    @Test
    void theEnvironmentSetsThemToo() throws Exception {
        assertEquals(Duration.ofSeconds(5), fixtures.loadEnv(Map.of("CCP_SECURITY_DOWNSTREAM_POLL_TIMEOUT", "5"))
                .downstream().browser().pollTimeout());
    }

    @Test
    void aPollTimeoutOfZeroIsOutOfRange() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> fixtures.loadEnv(Map.of("CCP_SECURITY_DOWNSTREAM_POLL_TIMEOUT", "0")));
        assertEquals(Kind.OUT_OF_RANGE, e.kind());
        assertEquals(Optional.of("security.downstream.poll_timeout"), e.key());
    }

    @Test
    void aFarAheadLimitOfZeroIsOutOfRange() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> fixtures.loadEnv(Map.of("CCP_SECURITY_DOWNSTREAM_UPSTREAM_MAX_AHEAD", "0")));
        assertEquals(Kind.OUT_OF_RANGE, e.kind());
        assertEquals(Optional.of("security.downstream.upstream_max_ahead"), e.key());
    }
}
