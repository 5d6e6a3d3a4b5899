package io.commucat.ccp.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConfigDefaultsTest {

    private final ServerConfig config = ConfigLoader.defaults();

    @Test
    void bindsLoopbackPort8443() {
        assertEquals(new BindAddress("127.0.0.1", 8443), config.server().bind());
    }

    @Test
    void serverDefaultsFollowArchitectureMd() {
        ServerConfig.Server s = config.server();
        assertEquals("localhost", s.domain());
        assertTrue(s.autoApproveDevices());
        assertEquals(5, s.maxAutoDevicesPerUser());
        assertFalse(s.autoApproveExistingUsers());
        assertEquals(Duration.ofSeconds(60), s.keepalive());
        assertEquals(Optional.empty(), s.tlsCert());
        assertEquals(Optional.empty(), s.tlsKey());
    }

    @Test
    void dataDirectoryIsCcpDataInTheWorkingDirectory() {
        assertEquals(Path.of("ccp-data").toAbsolutePath().normalize(), config.server().dataDir());
    }

    @Test
    void nodeIdIsRandomPerLoad() {
        assertTrue(config.server().nodeId().matches("node-[0-9a-f]{12}"));
        assertNotEquals(config.server().nodeId(), ConfigLoader.defaults().server().nodeId());
    }

    @Test
    void storageIsEmbeddedWithoutDsnAndRedis() {
        assertTrue(config.storage().embeddedSql());
        assertTrue(config.storage().inProcessPresence());
    }

    @Test
    void cryptoDefaultsToPrologueCommucatWithoutSecretsKey() {
        assertEquals("commucat", config.crypto().prologue());
        assertEquals(Optional.empty(), config.crypto().secretsKey());
    }

    @Test
    void ledgerIsAFileInTheDataDirectory() {
        assertEquals(LedgerMode.FILE, config.ledger().mode());
        assertEquals(Optional.of(config.server().dataDir().resolve("ledger.jsonl")), config.ledger().target());
    }

    @Test
    void limitsDefaultToPresence30Relay86400Pairing300() {
        assertEquals(new ServerConfig.Limits(Duration.ofSeconds(30), Duration.ofSeconds(86_400), Duration.ofSeconds(300)),
                config.limits());
    }

    @Test
    void pairingAllowsFiveLiveCodesAndServerGeneratedKeys() {
        assertEquals(new ServerConfig.Pairing(5, true), config.pairing());
    }

    @Test
    void rateLimitsMatchRestMd() {
        ServerConfig.RateLimits r = config.rateLimits();
        assertEquals(new ServerConfig.RateLimit(60, Duration.ofSeconds(1), Duration.ofSeconds(10)), r.http());
        assertEquals(new ServerConfig.RateLimit(20, Duration.ofSeconds(1), Duration.ofSeconds(30)), r.connect());
        assertEquals(new ServerConfig.RateLimit(5, Duration.ofSeconds(60), Duration.ofSeconds(120)), r.pairing());
    }

    @Test
    void fiveRegistrationsPerAddressAnHourAnd256ConnectionsPerAddress() {
        ServerConfig.RateLimits r = config.rateLimits();
        assertEquals(new ServerConfig.RateLimit(5, Duration.ofHours(1), Duration.ZERO), r.register());
        assertEquals(256, r.maxConnectionsPerAddress());
        assertEquals(65_536, r.maxTrackedAddresses());
    }

    @Test
    void tenFailureRecordsPerAddressAMinuteThenASummary() {
        assertEquals(Duration.ofMinutes(1), config.rateLimits().failureSummaryInterval());
        assertEquals(10, config.rateLimits().failureRecordsPerInterval());
    }

    @Test
    void noiseRotationEveryWeekWithTwoDaysGraceAndThreeVersions() {
        assertEquals(new ServerConfig.Rotation(Duration.ofHours(168), Duration.ofHours(48), 3), config.rotation());
    }

    @Test
    void deviceRotationMatchesTheOriginal() {
        assertEquals(new ServerConfig.DeviceRotation(true, Duration.ofSeconds(86_400), Duration.ofSeconds(600), 0),
                config.deviceRotation());
    }

    @Test
    void httpLimitsDefaults() {
        assertEquals(new ServerConfig.HttpLimits(100, 16_384, 16_384, 65_535, 1_048_576, 200, Duration.ofSeconds(30),
                1_048_576, Duration.ofSeconds(10)), config.http());
    }

    @Test
    void httpsDefaultsHstsOneYearSessionsOneDayTicketKeysHourly() {
        assertEquals(new ServerConfig.Https(Duration.ofDays(365), Duration.ofDays(1), Duration.ofHours(1)), config.https());
    }

    @Test
    void noAdminToken() {
        assertEquals(Optional.empty(), config.admin().token());
    }

    @Test
    void quotasDefaultToTenThousandEnvelopes256MiBAndAQuarterOfTheHeap() {
        assertEquals(new ServerConfig.Quotas(10_000, 256L * 1024 * 1024, 1_024, 1_024,
                Math.max(1024 * 1024, Runtime.getRuntime().maxMemory() / 4)), config.quotas());
    }
}
