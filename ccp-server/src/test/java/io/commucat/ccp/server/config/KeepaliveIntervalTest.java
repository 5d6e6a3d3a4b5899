package io.commucat.ccp.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KeepaliveIntervalTest {

    @ParameterizedTest(name = "keepalive {0} -> interval {1}")
    @CsvSource({"60, 30", "4, 5", "1, 5", "10, 5", "11, 5", "12, 6", "13, 6", "3600, 1800"})
    void isHalfTheKeepaliveButAtLeastFiveSeconds(long keepalive, long interval) {
        ServerConfig.Server server = new ServerConfig.Server(new BindAddress("127.0.0.1", 0), Optional.empty(),
                Optional.empty(), "localhost", true, 5, false, Duration.ofSeconds(keepalive), "n", Path.of("/tmp"));
        assertEquals(Duration.ofSeconds(interval), server.keepaliveInterval());
    }
}
