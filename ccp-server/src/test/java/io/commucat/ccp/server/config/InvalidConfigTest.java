package io.commucat.ccp.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.server.config.ConfigException.Kind;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InvalidConfigTest {

    @TempDir
    Path dir;

    private ConfigFixtures fixtures;

    @BeforeEach
    void setUp() {
        fixtures = new ConfigFixtures(dir);
    }

    private ConfigException fileError(String toml) {
        return assertThrows(ConfigException.class, () -> fixtures.load(toml));
    }

    private ConfigException envError(String name, String value) {
        return assertThrows(ConfigException.class, () -> fixtures.loadEnv(Map.of(name, value)));
    }

    @Test
    void unknownKeyIsRejectedWithASuggestion() {
        ConfigException e = fileError("[server]\nauto_aprove_devices = false\n");
        assertEquals(Kind.UNKNOWN_KEY, e.kind());
        assertEquals(Optional.of("server.auto_aprove_devices"), e.key());
        assertTrue(e.getMessage().startsWith("server.auto_aprove_devices: unknown key in "), e.getMessage());
        assertTrue(e.getMessage().contains("did you mean server.auto_approve_devices?"), e.getMessage());
    }

    @Test
    void unknownSectionIsRejected() {
        ConfigException e = fileError("[sever]\nbind = \"127.0.0.1:1\"\n");
        assertEquals(Optional.of("sever.bind"), e.key());
    }

    @Test
    void wrongTypeNamesTheKeyAndTheValue() {
        ConfigException e = envError("CCP_SERVER_KEEPALIVE", "abc");
        assertEquals(Kind.WRONG_TYPE, e.kind());
        assertEquals("server.keepalive: must be a positive integer, got \"abc\" (from CCP_SERVER_KEEPALIVE)", e.getMessage());
    }

    @Test
    void stringWhereBooleanBelongsIsAWrongType() {
        ConfigException e = fileError("[server]\nauto_approve_devices = \"yes\"\n");
        assertEquals(Kind.WRONG_TYPE, e.kind());
        assertTrue(e.getMessage().startsWith("server.auto_approve_devices: must be true or false, got \"yes\""), e.getMessage());
    }

    @Test
    void numberWhereStringBelongsIsAWrongType() {
        ConfigException e = fileError("[server]\ndomain = 5\n");
        assertEquals(Kind.WRONG_TYPE, e.kind());
        assertEquals(Optional.of("server.domain"), e.key());
    }

    @Test
    void aNotifyChannelPastU32IsRefused() {
        ConfigException e = envError("CCP_ROTATION_DEVICE_NOTIFY_CHANNEL", "4294967296");
        assertEquals(Kind.OUT_OF_RANGE, e.kind());
        assertEquals(Optional.of("rotation.device.notify_channel"), e.key());
    }

    @Test
    void outOfRangeNumberNamesTheBounds() {
        ConfigException e = fileError("[server]\nkeepalive = 0\n");
        assertEquals(Kind.OUT_OF_RANGE, e.kind());
        assertTrue(e.getMessage().startsWith("server.keepalive: must be between 1 and 604800, got 0"), e.getMessage());
    }

    @Test
    void pairingTtlOutsideTheRestClampIsRejected() {
        assertEquals(Optional.of("limits.pairing_ttl"), fileError("[limits]\npairing_ttl = 30\n").key());
    }

    @Test
    void ticketLifetimeBeyondTheSevenDaysOfTls13IsRejected() {
        ConfigException e = fileError("[security.http]\ntls_session_timeout = 604801\n");
        assertEquals(Kind.OUT_OF_RANGE, e.kind());
        assertEquals(Optional.of("security.http.tls_session_timeout"), e.key());
    }

    @Test
    void ticketKeyRotationUnderAMinuteIsRejected() {
        assertEquals(Optional.of("security.http.tls_ticket_rotation"),
                envError("CCP_SECURITY_HTTP_TLS_TICKET_ROTATION", "10").key());
    }

    @Test
    void negativeHstsMaxAgeIsRejected() {
        assertEquals(Optional.of("security.http.hsts_max_age"), envError("CCP_SECURITY_HTTP_HSTS_MAX_AGE", "-1").key());
    }

    @Test
    void zeroBurstIsRejected() {
        ConfigException e = envError("CCP_SECURITY_RATE_LIMIT_CONNECT_BURST", "0");
        assertEquals(Optional.of("security.rate_limit.connect_burst"), e.key());
    }

    @Test
    void zeroConnectionsPerAddressIsRejected() {
        ConfigException e = envError("CCP_SECURITY_RATE_LIMIT_MAX_CONNECTIONS_PER_ADDRESS", "0");
        assertEquals(Optional.of("security.rate_limit.max_connections_per_address"), e.key());
    }

    @Test
    void aTableTooSmallToStripeIsRejected() {
        ConfigException e = envError("CCP_SECURITY_RATE_LIMIT_MAX_TRACKED_ADDRESSES", "10");
        assertEquals(Optional.of("security.rate_limit.max_tracked_addresses"), e.key());
    }

    @Test
    void aFailureSummaryIntervalUnder100MsIsRejected() {
        ConfigException e = envError("CCP_SECURITY_RATE_LIMIT_FAILURE_SUMMARY_INTERVAL_MS", "99");
        assertEquals(Optional.of("security.rate_limit.failure_summary_interval_ms"), e.key());
    }

    @Test
    void quotaLimitsAreRangeChecked() {
        assertEquals(Optional.of("security.quota.inbox_max_envelopes"),
                envError("CCP_SECURITY_QUOTA_INBOX_MAX_ENVELOPES", "0").key());
        assertEquals(Optional.of("security.quota.channel_max_members"),
                fileError("[security.quota]\nchannel_max_members = 1\n").key());
        ConfigException e = fileError("[security.quota]\nnode_buffer_bytes = 1000\n");
        assertEquals(Kind.OUT_OF_RANGE, e.kind());
        assertTrue(e.getMessage().startsWith("security.quota.node_buffer_bytes: must be"), e.getMessage());
    }

    @Test
    void malformedBindAddressIsRejected() {
        for (String bad : List.of("8443", "localhost", "::1:8443", "127.0.0.1:70000", "300.1.1.1:80", "[zz]:1", "host_x:1", ":80")) {
            ConfigException e = envError("CCP_SERVER_BIND", bad);
            assertEquals(Kind.MALFORMED, e.kind(), bad);
            assertTrue(e.getMessage().startsWith("server.bind: "), e.getMessage());
        }
    }

    @Test
    void missingConfigFileNamesTheFile() {
        Path missing = dir.resolve("nope.toml");
        ConfigException e = assertThrows(ConfigException.class,
                () -> new ConfigLoader(Map.of(), w -> { }).load(Optional.of(missing), List.of()));
        assertEquals(Kind.UNREADABLE_FILE, e.kind());
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }

    @Test
    void tomlSyntaxErrorNamesFileAndLine() {
        ConfigException e = fileError("[server]\nbind = \n");
        assertEquals(Kind.SYNTAX, e.kind());
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void badHexSecretsKeyIsRejectedWithoutEchoingIt() {
        String secret = "zz0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
        ConfigException e = envError("CCP_CRYPTO_SECRETS_KEY", secret);
        assertEquals(Kind.MALFORMED, e.kind());
        assertTrue(e.getMessage().startsWith("crypto.secrets_key: must be 64 hex digits"), e.getMessage());
        assertFalse(e.getMessage().contains(secret));
    }

    @Test
    void shortSecretsKeyIsRejected() {
        assertEquals(Optional.of("crypto.secrets_key"), envError("CCP_CRYPTO_SECRETS_KEY", "abcd").key());
    }

    @Test
    void unreadableTlsCertificateNamesTheKey() {
        ConfigException e = fileError("[server]\ntls_cert = \"/nonexistent/cert.pem\"\ntls_key = \"/nonexistent/key.pem\"\n");
        assertEquals(Kind.UNREADABLE_FILE, e.kind());
        assertEquals(Optional.of("server.tls_cert"), e.key());
    }

    @Test
    void tlsCertificateWithoutKeyIsMissingTheKey() throws Exception {
        Path cert = java.nio.file.Files.writeString(dir.resolve("c.pem"), "x");
        ConfigException e = fileError("[server]\ntls_cert = \"" + cert + "\"\n");
        assertEquals(Kind.MISSING, e.kind());
        assertEquals("server.tls_key: required when server.tls_cert is set", e.getMessage());
    }

    @Test
    void postgresWithoutSecretsKeyIsRejected() {
        ConfigException e = envError("CCP_STORAGE_POSTGRES_DSN", "postgres://u:p@h/db");
        assertEquals(Kind.MISSING, e.kind());
        assertEquals(Optional.of("crypto.secrets_key"), e.key());
    }

    @Test
    void nonPostgresDsnIsRejectedWithoutEchoingIt() {
        ConfigException e = envError("CCP_STORAGE_POSTGRES_DSN", "mysql://u:secret@h/db");
        assertEquals(Optional.of("storage.postgres_dsn"), e.key());
        assertFalse(e.getMessage().contains("secret"));
    }

    @Test
    void nonRedisUrlIsRejected() {
        assertEquals(Optional.of("storage.redis_url"), envError("CCP_STORAGE_REDIS_URL", "http://x").key());
    }

    @Test
    void redisSentinelUrlStopsTheNodeSayingItIsNotSupportedWithoutEchoingIt() {
        ConfigException e = envError("CCP_STORAGE_REDIS_URL", "redis-sentinel://:secret@s1:26379/mymaster");
        assertEquals(Optional.of("storage.redis_url"), e.key());
        assertTrue(e.getMessage().contains("Sentinel is not supported yet"), e.getMessage());
        assertFalse(e.getMessage().contains("secret"));
    }

    @Test
    void redisUrlWithANonNumericDatabaseIsRejected() {
        ConfigException e = envError("CCP_STORAGE_REDIS_URL", "redis://u:secret@cache:6379/sessions");
        assertEquals(Optional.of("storage.redis_url"), e.key());
        assertTrue(e.getMessage().contains("database index"), e.getMessage());
        assertFalse(e.getMessage().contains("secret"));
    }

    @Test
    void unknownLedgerModeIsRejected() {
        ConfigException e = fileError("[ledger]\nmode = \"syslog\"\n");
        assertTrue(e.getMessage().startsWith("ledger.mode: must be null, debug, stdout or file, got \"syslog\""), e.getMessage());
    }

    @Test
    void aLedgerTargetThatCannotPrefixRotatedFilesIsRejected() {
        ConfigException e = fileError("[ledger]\ntarget = \"/tmp/Audit Log.jsonl\"\n");
        assertEquals(Optional.of("ledger.target"), e.key());
        assertTrue(e.getMessage().startsWith("ledger.target: the file name must be"), e.getMessage());
    }

    @Test
    void templatePlaceholderAdminTokenIsRejected() {
        ConfigException e = fileError("[admin]\ntoken = \"replace-with-secret\"\n");
        assertEquals(Optional.of("admin.token"), e.key());
    }

    @Test
    void shortAdminTokenIsRejected() {
        assertEquals("admin.token: must be at least 16 characters", envError("CCP_ADMIN_TOKEN", "short").getMessage());
    }

    @Test
    void badNodeIdIsRejected() {
        assertEquals(Optional.of("server.node_id"), envError("CCP_SERVER_NODE_ID", "has space").key());
    }

    @Test
    void arrayValueIsAWrongType() {
        ConfigException e = fileError("[limits]\npresence_ttl = [1, 2]\n");
        assertEquals(Kind.WRONG_TYPE, e.kind());
        assertTrue(e.getMessage().contains("got an array"), e.getMessage());
    }

    @Test
    void badFlagValueNamesKeyAndFlag() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> fixtures.loadEnv(Map.of(), new FlagOverride("server.bind", "--bind", "nope")));
        assertTrue(e.getMessage().startsWith("server.bind: "), e.getMessage());
        assertTrue(e.getMessage().endsWith("(from --bind)"), e.getMessage());
    }
}
