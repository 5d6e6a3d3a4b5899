package io.commucat.ccp.server.cli;

import io.commucat.ccp.server.config.Redaction;
import io.commucat.ccp.server.config.ServerConfig;
import io.commucat.ccp.server.config.ServerConfig.RateLimit;
import io.commucat.ccp.server.datadir.DataDirectory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The effective settings as {@code key = value} lines, secrets redacted. */
public final class SettingsReport {

    private final List<String> lines = new ArrayList<>();

    private SettingsReport() {
    }

    static List<String> lines(ServerConfig c, DataDirectory d) {
        List<String> lines = new ArrayList<>(settings(c, d));
        lines.add(d.firstStart() ? "data directory: created " + d.created().size() + " file(s) in " + d.root()
                : "data directory: reused " + d.root());
        return List.copyOf(lines);
    }

    /**
     * SHA-256 (hex) of the settings lines without {@code server.node_id}, which is random per
     * start unless configured and is recorded on its own: the same configuration gives the same
     * digest across restarts. Secrets appear only as {@code (set)} / {@code ***}, so the digest
     * reveals nothing about them (nor changes when only a secret's value does).
     */
    public static String digest(ServerConfig c, DataDirectory d) {
        StringBuilder text = new StringBuilder();
        for (String line : settings(c, d)) {
            if (!line.startsWith("server.node_id ")) {
                text.append(line).append('\n');
            }
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static List<String> settings(ServerConfig c, DataDirectory d) {
        SettingsReport r = new SettingsReport();
        ServerConfig.Server s = c.server();
        r.add("server.bind", s.bind());
        r.add("server.tls_cert", s.tlsCert().map(Path::toString).orElse("(development: " + d.tls().certificateChain() + ")"));
        r.add("server.tls_key", s.tlsKey().map(Path::toString).orElse("(development: " + d.tls().privateKey() + ")"));
        r.add("server.domain", s.domain());
        r.add("server.auto_approve_devices", s.autoApproveDevices());
        r.add("server.max_auto_devices_per_user", s.maxAutoDevicesPerUser());
        r.add("server.auto_approve_existing_users", s.autoApproveExistingUsers());
        r.add("server.keepalive", seconds(s.keepalive()) + " (keepalive interval " + seconds(s.keepaliveInterval()) + ")");
        r.add("server.node_id", s.nodeId());
        r.add("server.data_dir", s.dataDir());
        r.add("storage.postgres_dsn", c.storage().postgresDsn().map(Redaction::url)
                .orElse("(embedded: " + d.embeddedDatabase() + ")"));
        r.add("storage.redis_url", c.storage().redisUrl().map(Redaction::url)
                .orElse("(in-process presence)"));
        r.add("crypto.prologue", '"' + c.crypto().prologue() + '"');
        r.add("crypto.secrets_key", c.crypto().secretsKey().map(k -> "(set)").orElse("(not set)"));
        r.add("ledger.mode", c.ledger().mode().name().toLowerCase(Locale.ROOT));
        r.add("ledger.target", c.ledger().target().map(Path::toString).orElse("(none)"));
        r.add("limits.presence_ttl", seconds(c.limits().presenceTtl()));
        r.add("limits.relay_ttl", seconds(c.limits().relayTtl()));
        r.add("limits.pairing_ttl", seconds(c.limits().pairingTtl()));
        r.add("pairing.max_live_codes", c.pairing().maxLiveCodes());
        r.add("pairing.allow_server_generated_keys", c.pairing().allowServerGeneratedKeys());
        r.rate("http", c.rateLimits().http());
        r.rate("connect", c.rateLimits().connect());
        r.rate("pairing", c.rateLimits().pairing());
        r.rate("register", c.rateLimits().register());
        r.add("security.rate_limit.max_connections_per_address", c.rateLimits().maxConnectionsPerAddress());
        r.add("security.rate_limit.max_tracked_addresses", c.rateLimits().maxTrackedAddresses());
        r.add("security.rate_limit.failure_summary_interval_ms", c.rateLimits().failureSummaryInterval().toMillis());
        r.add("security.rate_limit.failure_records_per_interval", c.rateLimits().failureRecordsPerInterval());
        r.add("security.rate_limit.trusted_proxies", c.rateLimits().trustedProxies().isEmpty() ? "(none: limits key on the TCP peer)"
                : c.rateLimits().trustedProxies().toString());
        r.add("security.rate_limit.client_address_header", c.rateLimits().clientAddressHeader());
        r.add("security.rotation.noise_interval_hours", c.rotation().noiseInterval().toHours());
        r.add("security.rotation.noise_grace_hours", c.rotation().noiseGrace().toHours());
        r.add("security.rotation.noise_max_versions", c.rotation().noiseMaxVersions());
        r.add("rotation.device.enabled", c.deviceRotation().enabled());
        r.add("rotation.device.min_interval", seconds(c.deviceRotation().minInterval()));
        r.add("rotation.device.proof_ttl", seconds(c.deviceRotation().proofTtl()));
        r.add("rotation.device.notify_channel", c.deviceRotation().notifyChannel());
        ServerConfig.HttpLimits h = c.http();
        r.add("security.http.max_concurrent_streams", h.maxConcurrentStreams());
        r.add("security.http.max_header_list_size", h.maxHeaderListSize());
        r.add("security.http.max_frame_size", h.maxFrameSize());
        r.add("security.http.initial_window_size", h.initialWindowSize());
        r.add("security.http.max_rst_frames", h.maxRstFrames());
        r.add("security.http.rst_window", seconds(h.rstWindow()));
        r.add("security.http.max_request_body", h.maxRequestBody());
        r.add("security.http.tls_handshake_timeout", seconds(h.tlsHandshakeTimeout()));
        ServerConfig.Quotas q = c.quotas();
        r.add("security.quota.inbox_max_envelopes", q.inboxMaxEnvelopes());
        r.add("security.quota.inbox_max_bytes", q.inboxMaxBytes());
        r.add("security.quota.channel_max_members", q.channelMaxMembers());
        r.add("security.quota.device_max_channels", q.deviceMaxChannels());
        r.add("security.quota.node_buffer_bytes", q.nodeBufferBytes());
        ServerConfig.Timeouts timeouts = c.timeouts();
        r.add("security.timeouts.hello_ms", timeouts.hello().toMillis());
        r.add("security.timeouts.bootstrap_ms", timeouts.bootstrap().toMillis());
        r.add("security.timeouts.header_ms", timeouts.header().toMillis());
        r.add("security.timeouts.body_ms", timeouts.body().toMillis());
        r.add("security.timeouts.idle_ms", timeouts.idle().toMillis());
        r.add("security.http.hsts_max_age", seconds(c.https().hstsMaxAge()));
        r.add("security.http.tls_session_timeout", seconds(c.https().tlsSessionTimeout()));
        r.add("security.http.tls_ticket_rotation", seconds(c.https().tlsTicketRotation()));
        r.add("admin.token", c.admin().token().map(t -> "(set)")
                .orElse("(generated: " + d.root().resolve(DataDirectory.ADMIN_TOKEN) + ")"));
        return List.copyOf(r.lines);
    }

    private void rate(String name, RateLimit limit) {
        String p = "security.rate_limit." + name;
        add(p + "_burst", limit.burst());
        add(p + "_window_ms", limit.window().toMillis());
        add(p + "_penalty_ms", limit.penalty().toMillis());
    }

    private void add(String key, Object value) {
        lines.add(key + " = " + (value instanceof Optional<?> o ? o.map(Object::toString).orElse("(none)") : value));
    }

    private static String seconds(Duration d) {
        return d.toSeconds() + "s";
    }
}
