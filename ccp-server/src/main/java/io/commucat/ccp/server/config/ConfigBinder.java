package io.commucat.ccp.server.config;

import io.commucat.ccp.proto.FrameLimits;
import io.commucat.ccp.server.config.ServerConfig.Admin;
import io.commucat.ccp.server.config.ServerConfig.Crypto;
import io.commucat.ccp.server.config.ServerConfig.DeviceRotation;
import io.commucat.ccp.server.config.ServerConfig.HttpLimits;
import io.commucat.ccp.server.config.ServerConfig.Https;
import io.commucat.ccp.server.config.ServerConfig.Ledger;
import io.commucat.ccp.server.config.ServerConfig.Limits;
import io.commucat.ccp.server.config.ServerConfig.Pairing;
import io.commucat.ccp.server.config.ServerConfig.Quotas;
import io.commucat.ccp.server.config.ServerConfig.RateLimit;
import io.commucat.ccp.server.config.ServerConfig.RateLimits;
import io.commucat.ccp.server.config.ServerConfig.Rotation;
import io.commucat.ccp.server.config.ServerConfig.Server;
import io.commucat.ccp.server.config.ServerConfig.Storage;
import io.commucat.ccp.server.config.ServerConfig.Timeouts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Turns layered raw values into {@link ServerConfig}: every key, its default and its range
 * live here and nowhere else. Every key is read unconditionally (even where another key makes
 * it moot) so that "read" means "known" for the unknown-key check.
 */
final class ConfigBinder {

    /** Loopback only: a development default must not be reachable from the network. */
    static final String DEFAULT_BIND = "127.0.0.1:8443";
    static final String DEFAULT_DOMAIN = "localhost";
    static final String DEFAULT_DATA_DIR = "ccp-data";
    static final String DEFAULT_PROLOGUE = "commucat";
    static final String LEDGER_FILE_NAME = "ledger.jsonl";
    /** What the ledger library accepts as a file prefix. */
    private static final java.util.regex.Pattern LEDGER_PREFIX = java.util.regex.Pattern.compile("[a-z][a-z0-9_.-]{0,63}");

    private static final long DAY = 86_400;
    private static final long YEAR = 365 * DAY;
    /** RFC 9110 §5.6.2 token characters. */
    private static final Pattern HEADER_NAME = Pattern.compile("[a-z0-9!#$%&'*+.^_`|~-]{1,64}");
    private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final String TEMPLATE_ADMIN_TOKEN = "replace-with-secret";
    private static final long MIB = 1024 * 1024;
    /** Below this, a node could not hold even a few bootstrap frames. */
    static final long MIN_NODE_BUFFER_BYTES = MIB;

    private final LayeredSettings s;
    private final Supplier<String> nodeIds;

    ConfigBinder(LayeredSettings settings, Supplier<String> nodeIds) {
        this.s = settings;
        this.nodeIds = nodeIds;
    }

    ServerConfig bind() throws ConfigException {
        Server server = server();
        Storage storage = storage();
        Crypto crypto = crypto(storage);
        Ledger ledger = ledger(server.dataDir());
        Limits limits = new Limits(
                seconds("limits.presence_ttl", 30, 1, DAY),
                seconds("limits.relay_ttl", DAY, 1, YEAR),
                // The REST layer clamps every code's TTL to [60, 3600] (rest.md), so more is moot.
                seconds("limits.pairing_ttl", 300, 60, 3600));
        Pairing pairing = new Pairing(
                s.intValue("pairing.max_live_codes", 5, 1, 1000),
                s.bool("pairing.allow_server_generated_keys", true),
                s.intValue("pairing.max_devices_per_user", 100, 1, 100_000));
        RateLimits rateLimits = new RateLimits(
                rateLimit("http", 60, 1_000, 10_000),
                rateLimit("connect", 20, 1_000, 30_000),
                rateLimit("pairing", 5, 60_000, 120_000),
                // An honest address registers a handful of devices; a flood registered 100 in 28 s.
                rateLimit("register", 5, 3_600_000, 0),
                s.intValue("security.rate_limit.max_connections_per_address", 256, 1, 1_000_000),
                // ~120 bytes per address and table: 65 536 addresses take ~8 MB per limiter (docs/security.md).
                s.intValue("security.rate_limit.max_tracked_addresses", 65_536, 64, 16_777_216),
                Duration.ofMillis(s.integer("security.rate_limit.failure_summary_interval_ms", 60_000, 100, DAY * 1000)),
                s.intValue("security.rate_limit.failure_records_per_interval", 10, 1, 1_000_000),
                s.list("security.rate_limit.trusted_proxies", AddressRange::parse),
                s.parsed("security.rate_limit.client_address_header", RateLimits.X_FORWARDED_FOR,
                        ConfigBinder::headerName));
        Rotation rotation = new Rotation(
                Duration.ofHours(s.integer("security.rotation.noise_interval_hours", 168, 1, 8760)),
                Duration.ofHours(s.integer("security.rotation.noise_grace_hours", 48, 0, 8760)),
                s.intValue("security.rotation.noise_max_versions", 3, 1, 16));
        DeviceRotation deviceRotation = new DeviceRotation(
                s.bool("rotation.device.enabled", true),
                seconds("rotation.device.min_interval", DAY, 0, YEAR),
                seconds("rotation.device.proof_ttl", 600, 1, DAY),
                // A frame's channel id is u32 (ccp-1.md §2): a larger one could never be sent.
                s.integer("rotation.device.notify_channel", 0, 0, FrameLimits.MAX_U32));
        HttpLimits http = httpLimits();
        Admin admin = new Admin(adminToken());
        ServerConfig.Downstream downstream = new ServerConfig.Downstream(
                // 1 MiB: a second of a modest mobile link; one frame of any size still goes out alone.
                s.intValue("security.downstream.window_bytes", 1_048_576, 16_384, 256 * 1_048_576),
                // A reader that answers PINGs but takes nothing for a minute is not coming back.
                seconds("security.downstream.stall_timeout", 60, 1, DAY),
                browser());
        Timeouts timeouts = timeouts();
        Https https = https();
        Quotas quotas = quotas();
        declareLegacy();
        return new ServerConfig(server, storage, crypto, ledger, limits, pairing, rateLimits, rotation,
                deviceRotation, http, admin, downstream, timeouts,
                https, quotas);
    }

    /** A quarter of the heap: room for sessions' buffers with three quarters left for everything else. */
    static long defaultNodeBufferBytes() {
        return Math.max(MIN_NODE_BUFFER_BYTES, Runtime.getRuntime().maxMemory() / 4);
    }

    private Quotas quotas() throws ConfigException {
        String p = "security.quota.";
        return new Quotas(
                // Far more than a person reads after a day away; the bytes bound is what protects the disk.
                s.integer(p + "inbox_max_envelopes", 10_000, 1, 1_000_000_000),
                // 16 frames of the largest size (16 MiB): a near-empty inbox never refuses a legal frame.
                s.integer(p + "inbox_max_bytes", 256L * MIB, 1, Long.MAX_VALUE),
                // The most one Join may list (1 024), so a channel one Join creates is always allowed.
                s.intValue(p + "channel_max_members", 1_024, 2, 1_000_000),
                s.intValue(p + "device_max_channels", 1_024, 1, 1_000_000),
                s.integer(p + "node_buffer_bytes", defaultNodeBufferBytes(), MIN_NODE_BUFFER_BYTES, Long.MAX_VALUE));
    }

    private Server server() throws ConfigException {
        BindAddress bind = s.parsed("server.bind", BindAddress.parse(DEFAULT_BIND), BindAddress::parse);
        Optional<Path> tlsCert = readableFile("server.tls_cert");
        Optional<Path> tlsKey = readableFile("server.tls_key");
        if (tlsCert.isPresent() != tlsKey.isPresent()) {
            String missing = tlsCert.isPresent() ? "server.tls_key" : "server.tls_cert";
            String given = tlsCert.isPresent() ? "server.tls_cert" : "server.tls_key";
            throw new ConfigException(ConfigException.Kind.MISSING, missing, "required when " + given + " is set");
        }
        String domain = s.string("server.domain", DEFAULT_DOMAIN);
        if (domain.isBlank() || domain.codePoints().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            throw new ConfigException(ConfigException.Kind.MALFORMED, "server.domain",
                    "must be a non-empty name without spaces, got " + LayeredSettings.show(domain));
        }
        boolean autoApprove = s.bool("server.auto_approve_devices", true);
        int maxAuto = s.intValue("server.max_auto_devices_per_user", 5, 0, 100_000);
        boolean autoApproveExisting = s.bool("server.auto_approve_existing_users", false);
        Duration keepalive = seconds("server.keepalive", 60, 1, 7 * DAY);
        String nodeId = s.optionalParsed("server.node_id", ConfigBinder::nodeId, false).orElseGet(nodeIds);
        Path dataDir = s.parsed("server.data_dir", Path.of(DEFAULT_DATA_DIR), Path::of).toAbsolutePath().normalize();
        return new Server(bind, tlsCert, tlsKey, domain, autoApprove, maxAuto, autoApproveExisting, keepalive,
                nodeId, dataDir);
    }

    private Storage storage() throws ConfigException {
        Optional<String> dsn = s.optionalString("storage.postgres_dsn", true);
        if (dsn.isPresent() && !startsWithAny(dsn.get(), "postgres://", "postgresql://", "jdbc:postgresql:")) {
            throw new ConfigException(ConfigException.Kind.MALFORMED, "storage.postgres_dsn",
                    "must start with postgres://, postgresql:// or jdbc:postgresql:");
        }
        Optional<String> redis = s.optionalString("storage.redis_url", true);
        if (redis.isPresent() && RedisUrlForm.problem(redis.get()) != null) {
            throw new ConfigException(ConfigException.Kind.MALFORMED, "storage.redis_url",
                    RedisUrlForm.problem(redis.get()));
        }
        return new Storage(dsn.map(String::trim), redis.map(String::trim));
    }

    private Crypto crypto(Storage storage) throws ConfigException {
        String prologue = s.string("crypto.prologue", DEFAULT_PROLOGUE);
        Optional<SecretBytes> secretsKey = s.optionalParsed("crypto.secrets_key", SecretBytes::parseHex32, true);
        if (secretsKey.isEmpty() && !storage.embeddedSql()) {
            // Nodes sharing one database must share this key; a per-node random one cannot work.
            throw new ConfigException(ConfigException.Kind.MISSING, "crypto.secrets_key",
                    "required when storage.postgres_dsn is set (secrets are encrypted at rest with it; "
                            + "make one with: openssl rand -hex 32)");
        }
        return new Crypto(prologue, secretsKey);
    }

    private Ledger ledger(Path dataDir) throws ConfigException {
        LedgerMode mode = s.parsed("ledger.mode", LedgerMode.FILE, text -> LedgerMode.parse(text).orElseThrow(
                () -> new IllegalArgumentException("must be null, debug, stdout or file, got " + LayeredSettings.show(text))));
        Optional<Path> target = s.optionalParsed("ledger.target", Path::of, false);
        if (mode != LedgerMode.FILE) {
            return new Ledger(mode, Optional.empty());
        }
        Path file = target.orElse(dataDir.resolve(LEDGER_FILE_NAME)).toAbsolutePath().normalize();
        Ledger ledger = new Ledger(mode, Optional.of(file));
        if (file.getParent() == null || !LEDGER_PREFIX.matcher(ledger.prefix()).matches()) {
            // The name becomes the prefix of the rotated files: keep it a plain, portable name.
            throw new ConfigException(ConfigException.Kind.MALFORMED, "ledger.target",
                    "the file name must be lower-case letters, digits, '_', '.' or '-' (e.g. ledger.jsonl), got "
                            + LayeredSettings.show(file.getFileName() == null ? "" : file.getFileName().toString()));
        }
        return ledger;
    }

    private RateLimit rateLimit(String name, int burst, long windowMs, long penaltyMs) throws ConfigException {
        String prefix = "security.rate_limit." + name;
        return new RateLimit(
                s.intValue(prefix + "_burst", burst, 1, 1_000_000),
                Duration.ofMillis(s.integer(prefix + "_window_ms", windowMs, 1, DAY * 1000)),
                Duration.ofMillis(s.integer(prefix + "_penalty_ms", penaltyMs, 0, DAY * 1000)));
    }

    private HttpLimits httpLimits() throws ConfigException {
        String p = "security.http.";
        return new HttpLimits(
                // RFC 9113 §6.5.2 recommends at least 100; a device needs one /connect plus a few REST calls.
                s.intValue(p + "max_concurrent_streams", 100, 1, 10_000),
                s.intValue(p + "max_header_list_size", 16_384, 1_024, 1_048_576),
                // RFC 9113 bounds: 2^14 (the protocol default) to 2^24 - 1.
                s.intValue(p + "max_frame_size", 16_384, 16_384, 16_777_215),
                s.intValue(p + "initial_window_size", 65_535, 1, Integer.MAX_VALUE),
                // 16 streams' worth of the default stream window: devices that share a connection
                // (a gateway, a load tool) do not queue behind one 64 KiB connection window.
                s.intValue(p + "connection_window_size", 1_048_576, 65_535, Integer.MAX_VALUE),
                // Netty's own "rapid reset" (CVE-2023-44487) default: 200 resets per 30 s.
                s.intValue(p + "max_rst_frames", 200, 1, 100_000),
                seconds(p + "rst_window", 30, 1, 3_600),
                s.intValue(p + "max_request_body", 1_048_576, 1_024, 64 * 1_048_576),
                seconds(p + "tls_handshake_timeout", 10, 1, 300));
    }

    private Timeouts timeouts() throws ConfigException {
        String p = "security.timeouts.";
        Timeouts d = Timeouts.DEFAULTS;
        Duration hello = millis(p + "hello_ms", d.hello(), 100, 300_000);
        Duration bootstrap = millis(p + "bootstrap_ms", d.bootstrap(), 100, 600_000);
        if (bootstrap.compareTo(hello) < 0) {
            throw new ConfigException(ConfigException.Kind.OUT_OF_RANGE, p + "bootstrap_ms",
                    "must be at least " + p + "hello_ms (" + hello.toMillis() + "), got " + bootstrap.toMillis());
        }
        return new Timeouts(hello, bootstrap,
                millis(p + "header_ms", d.header(), 100, 300_000),
                millis(p + "body_ms", d.body(), 100, 3_600_000),
                millis(p + "idle_ms", d.idle(), 100, DAY * 1000));
    }

    /** {@code [security.downstream]}'s browser fallbacks (docs/transport.md "SSE and long-poll"). */
    private ServerConfig.Browser browser() throws ConfigException {
        String p = "security.downstream.";
        ServerConfig.Browser d = ServerConfig.Browser.DEFAULTS;
        return new ServerConfig.Browser(
                seconds(p + "poll_timeout", d.pollTimeout().toSeconds(), 1, 600),
                s.intValue(p + "poll_max_bytes", d.pollMaxBytes(), 16_384, 256 * 1_048_576),
                seconds(p + "poll_grace", d.pollGrace().toSeconds(), 1, 3600),
                s.intValue(p + "upstream_held_bytes", d.upstreamHeldBytes(), 16_384, 256 * 1_048_576),
                s.intValue(p + "upstream_max_ahead", d.upstreamMaxAhead(), 1, 4096));
    }

    private Duration millis(String key, Duration fallback, long min, long max) throws ConfigException {
        return Duration.ofMillis(s.integer(key, fallback.toMillis(), min, max));
    }

    private Https https() throws ConfigException {
        String p = "security.http.";
        return new Https(
                // One year: what HSTS preload lists ask for; two years is the most anyone uses.
                seconds(p + "hsts_max_age", YEAR, 0, 2 * YEAR),
                // RFC 8446 §4.6.1: a ticket lives at most seven days.
                seconds(p + "tls_session_timeout", DAY, 60, 7 * DAY),
                seconds(p + "tls_ticket_rotation", 3_600, 60, DAY));
    }

    private Optional<String> adminToken() throws ConfigException {
        Optional<String> token = s.optionalString("admin.token", true);
        if (token.isPresent() && (token.get().length() < 16 || token.get().equals(TEMPLATE_ADMIN_TOKEN))) {
            throw new ConfigException(ConfigException.Kind.MALFORMED, "admin.token",
                    token.get().equals(TEMPLATE_ADMIN_TOKEN)
                            ? "still the template's placeholder; set a secret (e.g. openssl rand -hex 32)"
                            : "must be at least 16 characters");
        }
        return token;
    }

    /** Keys of the original's template that this server accepts and ignores (with a warning). */
    private void declareLegacy() {
        for (String key : new String[] {
            "crypto.noise_private", "crypto.noise_public", "crypto.federation_seed",
            "crypto.pq_kem_public", "crypto.pq_kem_secret",
            "security.rotation.admin_enabled", "security.rotation.admin_interval_hours",
            "security.rotation.admin_grace_hours", "security.rotation.admin_max_versions",
            "federation.", "uploads.", "ice.", "transport."}) {
            s.legacy(key);
        }
    }

    private Optional<Path> readableFile(String key) throws ConfigException {
        Optional<Path> path = s.optionalParsed(key, Path::of, false);
        if (path.isPresent() && !Files.isReadable(path.get())) {
            throw new ConfigException(ConfigException.Kind.UNREADABLE_FILE, key,
                    "cannot read " + path.get().toAbsolutePath() + (Files.exists(path.get()) ? "" : " (no such file)"));
        }
        return path.map(p -> p.toAbsolutePath().normalize());
    }

    private Duration seconds(String key, long fallback, long min, long max) throws ConfigException {
        return Duration.ofSeconds(s.integer(key, fallback, min, max));
    }

    private static String nodeId(String text) {
        if (!NODE_ID.matcher(text).matches()) {
            throw new IllegalArgumentException("must be 1 to 64 of A-Z a-z 0-9 . _ - (starting with a letter or digit), got "
                    + LayeredSettings.show(text));
        }
        return text;
    }

    /** An HTTP field name (RFC 9110 token), lower-cased as HTTP/2 carries it. */
    private static String headerName(String text) {
        String name = text.trim().toLowerCase(java.util.Locale.ROOT);
        if (!HEADER_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("must be an HTTP header name such as x-forwarded-for, got "
                    + LayeredSettings.show(text));
        }
        return name;
    }

    private static boolean startsWithAny(String value, String... prefixes) {
        for (String prefix : prefixes) {
            if (value.trim().regionMatches(true, 0, prefix, 0, prefix.length())) {
                return true;
            }
        }
        return false;
    }
}
