package io.commucat.ccp.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.server.config.ConfigException.Kind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code [security.timeouts]}: defaults, the file and the environment, validation. */
class TimeoutsConfigTest {

    @TempDir
    Path dir;

    private ConfigFixtures fixtures;

    @BeforeEach
    void setUp() {
        fixtures = new ConfigFixtures(dir);
    }

    @Test
    void defaultsAreHello10BootstrapAndBody30Header10Idle60Seconds() {
        ServerConfig.Timeouts t = ConfigLoader.defaults().timeouts();
        assertEquals(new ServerConfig.Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(10),
                Duration.ofSeconds(30), Duration.ofSeconds(60)), t);
        assertEquals(ServerConfig.Timeouts.DEFAULTS, t);
    }

    @Test
    void everyKeyIsReadInMillisecondsFromTheFile() throws Exception {
        ServerConfig.Timeouts t = fixtures.load("[security.timeouts]\nhello_ms = 200\nbootstrap_ms = 700\n"
                + "header_ms = 300\nbody_ms = 400\nidle_ms = 500\n").timeouts();
        assertEquals(new ServerConfig.Timeouts(Duration.ofMillis(200), Duration.ofMillis(700), Duration.ofMillis(300),
                Duration.ofMillis(400), Duration.ofMillis(500)), t);
    }

    @Test
    void theEnvironmentSetsThemToo() throws Exception {
        assertEquals(Duration.ofMillis(1_500),
                fixtures.loadEnv(Map.of("CCP_SECURITY_TIMEOUTS_IDLE_MS", "1500")).timeouts().idle());
    }

    @Test
    void aDeadlineBelow100MillisecondsIsOutOfRange() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> fixtures.loadEnv(Map.of("CCP_SECURITY_TIMEOUTS_HEADER_MS", "0")));
        assertEquals(Kind.OUT_OF_RANGE, e.kind());
        assertEquals(Optional.of("security.timeouts.header_ms"), e.key());
    }

    @Test
    void aBootstrapDeadlineShorterThanTheHelloDeadlineIsRefused() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> fixtures.load("[security.timeouts]\nhello_ms = 5000\nbootstrap_ms = 4000\n"));
        assertEquals(Kind.OUT_OF_RANGE, e.kind());
        assertEquals(Optional.of("security.timeouts.bootstrap_ms"), e.key());
        assertTrue(e.getMessage().startsWith("security.timeouts.bootstrap_ms: must be at least"), e.getMessage());
    }

    @Test
    void anUnknownKeyInTheSectionIsRejected() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> fixtures.load("[security.timeouts]\nidle = 60\n"));
        assertEquals(Kind.UNKNOWN_KEY, e.kind());
    }
}
