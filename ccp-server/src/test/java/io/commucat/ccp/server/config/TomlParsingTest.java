package io.commucat.ccp.server.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TomlParsingTest {

    private static final String KEY_HEX = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    @TempDir
    Path dir;

    private ConfigFixtures fixtures;
    private ServerConfig config;

    @BeforeEach
    void loadEveryKey() throws Exception {
        fixtures = new ConfigFixtures(dir);
        Path cert = Files.writeString(dir.resolve("server.crt"), "x");
        Path key = Files.writeString(dir.resolve("server.key"), "x");
        config = fixtures.load("""
                [server]
                bind = "0.0.0.0:9443"
                tls_cert = "%s"
                tls_key = "%s"
                domain = "chat.example.org"
                auto_approve_devices = false
                max_auto_devices_per_user = 0
                auto_approve_existing_users = true
                keepalive = 3600
                node_id = "node-a"
                data_dir = "%s"

                [storage]
                postgres_dsn = "postgres://ccp:pw@db:5432/ccp"
                redis_url = "redis://cache:6379"

                [crypto]
                prologue = "other"
                secrets_key = "%s"

                [ledger]
                mode = "file"
                target = "%s"

                [limits]
                presence_ttl = 45
                relay_ttl = 3600
                pairing_ttl = 600

                [pairing]
                max_live_codes = 3
                allow_server_generated_keys = false

                [security.rate_limit]
                http_burst = 61
                http_window_ms = 1001
                http_penalty_ms = 10001
                connect_burst = 21
                connect_window_ms = 1002
                connect_penalty_ms = 30002
                pairing_burst = 6
                pairing_window_ms = 60003
                pairing_penalty_ms = 120003
                register_burst = 7
                register_window_ms = 3600004
                register_penalty_ms = 4
                max_connections_per_address = 64
                max_tracked_addresses = 4096
                failure_summary_interval_ms = 5000
                failure_records_per_interval = 3

                [security.rotation]
                noise_interval_hours = 24
                noise_grace_hours = 6
                noise_max_versions = 2

                [security.http]
                max_concurrent_streams = 50
                max_header_list_size = 8192
                max_frame_size = 32768
                initial_window_size = 1048576
                connection_window_size = 4194304
                max_rst_frames = 100
                rst_window = 60
                max_request_body = 65536
                tls_handshake_timeout = 5

                [rotation.device]
                enabled = false
                min_interval = 3600
                proof_ttl = 120
                notify_channel = 7

                [admin]
                token = "0123456789abcdef0123"
                """.formatted(cert, key, dir.resolve("data"), KEY_HEX, dir.resolve("audit.jsonl")));
    }

    @Test
    void readsServerSection() {
        ServerConfig.Server s = config.server();
        assertEquals(new BindAddress("0.0.0.0", 9443), s.bind());
        assertEquals(Optional.of(dir.resolve("server.crt")), s.tlsCert());
        assertEquals(Optional.of(dir.resolve("server.key")), s.tlsKey());
        assertEquals("chat.example.org", s.domain());
        assertFalse(s.autoApproveDevices());
        assertEquals(0, s.maxAutoDevicesPerUser());
        assertTrue(s.autoApproveExistingUsers());
        assertEquals(Duration.ofHours(1), s.keepalive());
        assertEquals("node-a", s.nodeId());
        assertEquals(dir.resolve("data"), s.dataDir());
    }

    @Test
    void readsStorageSection() {
        assertEquals(Optional.of("postgres://ccp:pw@db:5432/ccp"), config.storage().postgresDsn());
        assertEquals(Optional.of("redis://cache:6379"), config.storage().redisUrl());
    }

    @Test
    void readsCryptoSection() {
        assertEquals("other", config.crypto().prologue());
        assertArrayEquals(HexFormat.of().parseHex(KEY_HEX), config.crypto().secretsKey().orElseThrow().bytes());
    }

    @Test
    void readsLedgerSection() {
        assertEquals(new ServerConfig.Ledger(LedgerMode.FILE, Optional.of(dir.resolve("audit.jsonl"))), config.ledger());
    }

    @Test
    void readsLimitsAndPairing() {
        assertEquals(new ServerConfig.Limits(Duration.ofSeconds(45), Duration.ofSeconds(3600), Duration.ofSeconds(600)),
                config.limits());
        assertEquals(new ServerConfig.Pairing(3, false), config.pairing());
    }

    @Test
    void readsRateLimitsInMilliseconds() {
        ServerConfig.RateLimits r = config.rateLimits();
        assertEquals(new ServerConfig.RateLimit(61, Duration.ofMillis(1001), Duration.ofMillis(10001)), r.http());
        assertEquals(new ServerConfig.RateLimit(21, Duration.ofMillis(1002), Duration.ofMillis(30002)), r.connect());
        assertEquals(new ServerConfig.RateLimit(6, Duration.ofMillis(60003), Duration.ofMillis(120003)), r.pairing());
        assertEquals(new ServerConfig.RateLimit(7, Duration.ofMillis(3600004), Duration.ofMillis(4)), r.register());
    }

    @Test
    void readsConnectionCapTableBoundAndFailureSummaries() {
        ServerConfig.RateLimits r = config.rateLimits();
        assertEquals(64, r.maxConnectionsPerAddress());
        assertEquals(4096, r.maxTrackedAddresses());
        assertEquals(Duration.ofSeconds(5), r.failureSummaryInterval());
        assertEquals(3, r.failureRecordsPerInterval());
    }

    @Test
    void readsRotationSectionsInHoursAndSeconds() {
        assertEquals(new ServerConfig.Rotation(Duration.ofHours(24), Duration.ofHours(6), 2), config.rotation());
        assertEquals(new ServerConfig.DeviceRotation(false, Duration.ofSeconds(3600), Duration.ofSeconds(120), 7),
                config.deviceRotation());
    }

    @Test
    void readsHttpLimits() {
        assertEquals(new ServerConfig.HttpLimits(50, 8192, 32768, 1_048_576, 4_194_304, 100, Duration.ofSeconds(60),
                65_536, Duration.ofSeconds(5)), config.http());
    }

    @Test
    void readsAdminToken() {
        assertEquals(Optional.of("0123456789abcdef0123"), config.admin().token());
    }

    @Test
    void loadsWithoutWarnings() {
        assertEquals(java.util.List.of(), fixtures.warnings);
    }

    @Test
    void acceptsQuotedNumbersAndBooleansLikeTheOriginal() throws Exception {
        ServerConfig c = fixtures.load("""
                [server]
                keepalive = "30"
                auto_approve_devices = "false"
                """);
        assertEquals(Duration.ofSeconds(30), c.server().keepalive());
        assertFalse(c.server().autoApproveDevices());
    }

    @Test
    void ignoresKeysOfTheOriginalTemplateWithAWarning() throws Exception {
        ServerConfig c = fixtures.load("""
                [crypto]
                noise_private = "aa"
                [federation]
                peers = ""
                [ice.turn.1]
                urls = "turn:x"
                [security.rotation]
                admin_enabled = true
                """);
        assertEquals("commucat", c.crypto().prologue());
        assertEquals(4, fixtures.warnings.size(), fixtures.warnings.toString());
        assertTrue(fixtures.warnings.get(0).startsWith("crypto.noise_private: "), fixtures.warnings.toString());
    }

    @Test
    void nonFileLedgerModesHaveNoTarget() throws Exception {
        ServerConfig c = fixtures.load("[ledger]\nmode = \"debug\"\ntarget = \"x.jsonl\"\n");
        assertEquals(new ServerConfig.Ledger(LedgerMode.STDOUT, Optional.empty()), c.ledger());
    }

    @Test
    void emptyStringMeansAbsentForOptionalKeys() throws Exception {
        ServerConfig c = fixtures.load("[storage]\nredis_url = \"\"\n");
        assertTrue(c.storage().inProcessPresence());
    }
}
