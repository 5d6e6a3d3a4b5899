package io.commucat.ccp.server.config;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The server's effective configuration: file, then environment, then command line, over the
 * defaults (see {@code docs/configuration.md}). Immutable; built by {@link ConfigLoader}.
 * Sections mirror the TOML tables so a key is easy to find from its record.
 */
public record ServerConfig(
        Server server,
        Storage storage,
        Crypto crypto,
        Ledger ledger,
        Limits limits,
        Pairing pairing,
        RateLimits rateLimits,
        Rotation rotation,
        DeviceRotation deviceRotation,
        HttpLimits http,
        Admin admin,
        Downstream downstream,
        Timeouts timeouts,
        Https https,
        Quotas quotas) {

    public ServerConfig {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(crypto, "crypto");
        Objects.requireNonNull(ledger, "ledger");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(pairing, "pairing");
        Objects.requireNonNull(rateLimits, "rateLimits");
        Objects.requireNonNull(rotation, "rotation");
        Objects.requireNonNull(deviceRotation, "deviceRotation");
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(admin, "admin");
        Objects.requireNonNull(downstream, "downstream");
        Objects.requireNonNull(timeouts, "timeouts");
        Objects.requireNonNull(https, "https");
        Objects.requireNonNull(quotas, "quotas");
    }

    /** Shorthand for {@link Server#keepaliveInterval()}. */
    public Duration keepaliveInterval() {
        return server.keepaliveInterval();
    }

    /**
     * {@code [server]}.
     *
     * @param keepalive {@code connection_keepalive}: session lifetime after creation or refresh
     * @param nodeId    this node's id on the cluster bus; random per start unless configured
     * @param dataDir   absolute data directory (embedded database, keys, dev certificates, ledger)
     */
    public record Server(
            BindAddress bind,
            Optional<Path> tlsCert,
            Optional<Path> tlsKey,
            String domain,
            boolean autoApproveDevices,
            int maxAutoDevicesPerUser,
            boolean autoApproveExistingUsers,
            Duration keepalive,
            String nodeId,
            Path dataDir) {

        /**
         * How often the server refreshes a connection's session and presence and pings it:
         * {@code max(5, max(1, keepalive / 2))} seconds (ccp-1.md §4.3), announced in Ack.
         */
        public Duration keepaliveInterval() {
            long half = keepalive.toSeconds() / 2;
            return Duration.ofSeconds(Math.max(5, Math.max(1, half)));
        }

        /** {@code true} when both {@code tls_cert} and {@code tls_key} are configured. */
        public boolean hasConfiguredTls() {
            return tlsCert.isPresent() && tlsKey.isPresent();
        }
    }

    /**
     * {@code [storage]}. No DSN: the embedded SQL database in the data directory; no Redis
     * URL: in-process presence and bus (a single node).
     */
    public record Storage(Optional<String> postgresDsn, Optional<String> redisUrl) {

        public boolean embeddedSql() {
            return postgresDsn.isEmpty();
        }

        public boolean inProcessPresence() {
            return redisUrl.isEmpty();
        }

        @Override
        public String toString() {
            return "Storage[postgresDsn=" + postgresDsn.map(Redaction::url) + ", redisUrl=" + redisUrl.map(Redaction::url) + "]";
        }
    }

    /**
     * {@code [crypto]}.
     *
     * @param prologue   Noise prologue text (ccp-1.md §3.7)
     * @param secretsKey key that encrypts Noise and device-CA secrets at rest in PostgreSQL
     */
    public record Crypto(String prologue, Optional<SecretBytes> secretsKey) {

        public byte[] prologueBytes() {
            return prologue.getBytes(StandardCharsets.UTF_8);
        }
    }

    /**
     * {@code [ledger]}.
     *
     * @param target where the ledger lives; present exactly when {@code mode} is {@code FILE}.
     *     The ledger rotates, so {@code <dir>/<name>.jsonl} names a series of files beside it:
     *     {@code <dir>/<name>-000001.jsonl}, {@code -000002}, ... and the lock {@code <dir>/<name>.lock}
     */
    public record Ledger(LedgerMode mode, Optional<Path> target) {

        /** The directory the ledger files are in (the target's parent). */
        public Path directory() {
            return target.orElseThrow(() -> new IllegalStateException("no ledger file in mode " + mode)).getParent();
        }

        /** The files' name prefix: the target's file name without {@code .jsonl}. */
        public String prefix() {
            String name = target.orElseThrow(() -> new IllegalStateException("no ledger file in mode " + mode))
                    .getFileName().toString();
            return name.endsWith(".jsonl") ? name.substring(0, name.length() - ".jsonl".length()) : name;
        }
    }

    /** {@code [limits]}: lifetimes of presence records, queued relay messages and pairing codes. */
    public record Limits(Duration presenceTtl, Duration relayTtl, Duration pairingTtl) {
    }

    /**
     * {@code [pairing]} (ours).
     *
     * @param maxLiveCodes             live (unexpired, unused) pairing codes one user may hold
     * @param allowServerGeneratedKeys whether a claim without {@code device_public} gets a
     *                                 server-made key pair (the original's behaviour)
     * @param maxDevicesPerUser        active devices a user may reach by pairing claims
     */
    public record Pairing(int maxLiveCodes, boolean allowServerGeneratedKeys, int maxDevicesPerUser) {

        /** With the default cap on devices per user (tests, older call sites). */
        public Pairing(int maxLiveCodes, boolean allowServerGeneratedKeys) {
            this(maxLiveCodes, allowServerGeneratedKeys, 100);
        }
    }

    /**
     * {@code [security.rate_limit]}: per client address (IPv4 address or IPv6 /64).
     *
     * @param register                  Hellos of unknown devices (each may register a user and a device)
     * @param maxConnectionsPerAddress  TCP connections one address may hold open at once
     * @param maxTrackedAddresses       addresses each limiter's table remembers at most
     * @param failureSummaryInterval    handshake failures of an address past the first
     *                                  {@code failureRecordsPerInterval} of one such interval are
     *                                  written as one ledger record with a count (and one log line)
     * @param failureRecordsPerInterval handshake failures of an address written one by one per interval
     * @param trustedProxies            TCP peers in these ranges are proxies: a request's client address
     *                                  comes from {@code clientAddressHeader} (empty: never; every
     *                                  limit keys on the TCP peer)
     * @param clientAddressHeader       lower-case name of the header a trusted proxy puts the client
     *                                  address in ({@code x-forwarded-for}, {@code forwarded}, ...)
     */
    public record RateLimits(RateLimit http, RateLimit connect, RateLimit pairing, RateLimit register,
            int maxConnectionsPerAddress, int maxTrackedAddresses, Duration failureSummaryInterval,
            int failureRecordsPerInterval, java.util.List<AddressRange> trustedProxies, String clientAddressHeader) {

        /** The default client address header. */
        public static final String X_FORWARDED_FOR = "x-forwarded-for";

        public RateLimits {
            trustedProxies = java.util.List.copyOf(trustedProxies);
            Objects.requireNonNull(clientAddressHeader, "clientAddressHeader");
        }

        /** Without trusted proxies: every limit keys on the TCP peer. */
        public RateLimits(RateLimit http, RateLimit connect, RateLimit pairing, RateLimit register,
                int maxConnectionsPerAddress, int maxTrackedAddresses, Duration failureSummaryInterval,
                int failureRecordsPerInterval) {
            this(http, connect, pairing, register, maxConnectionsPerAddress, maxTrackedAddresses,
                    failureSummaryInterval, failureRecordsPerInterval, java.util.List.of(), X_FORWARDED_FOR);
        }
    }

    /** One limiter: {@code burst} requests per {@code window}, then blocked for {@code penalty}. */
    public record RateLimit(int burst, Duration window, Duration penalty) {
    }

    /** {@code [security.rotation]}: automatic rotation of the server's Noise static key. */
    public record Rotation(Duration noiseInterval, Duration noiseGrace, int noiseMaxVersions) {
    }

    /** {@code [rotation.device]}: device key rotation through {@code POST /api/device/csr}. */
    public record DeviceRotation(boolean enabled, Duration minInterval, Duration proofTtl, long notifyChannel) {
    }

    /**
     * {@code [security.http]} (ours): limits against HTTP/2 and HTTP/1.1 abuse.
     *
     * @param maxConcurrentStreams SETTINGS_MAX_CONCURRENT_STREAMS per connection
     * @param maxHeaderListSize    SETTINGS_MAX_HEADER_LIST_SIZE, bytes
     * @param maxFrameSize         SETTINGS_MAX_FRAME_SIZE, bytes
     * @param initialWindowSize    SETTINGS_INITIAL_WINDOW_SIZE, bytes
     * @param connectionWindowSize the connection-level receive window, bytes: what all streams of
     *                             a connection together may send ahead of the server (HTTP/2
     *                             leaves it at 65 535 unless the receiver raises it)
     * @param maxRstFrames         RST_STREAM frames a client may cause per {@code rstWindow}
     *                             before the connection is closed ("rapid reset")
     * @param maxRequestBody       larger REST bodies are answered 413
     * @param tlsHandshakeTimeout  a TLS handshake not finished in time closes the connection
     */
    public record HttpLimits(
            int maxConcurrentStreams,
            int maxHeaderListSize,
            int maxFrameSize,
            int initialWindowSize,
            int connectionWindowSize,
            int maxRstFrames,
            Duration rstWindow,
            int maxRequestBody,
            Duration tlsHandshakeTimeout) {
    }

    /**
     * {@code [security.downstream]} (ours): how delivery to a device is paced by its reading
     * (ccp-1.md §4.2; docs/security.md).
     *
     * @param windowBytes  response bytes a {@code /connect} reader may leave unread before the
     *                     server stops producing for it (one frame of any allowed size always
     *                     goes out when nothing is unread); queued envelopes wait in the inbox
     * @param stallTimeout a reader that leaves bytes unread and takes none of them for this long
     *                     is cut off (its unacknowledged envelopes stay queued)
     */
    public record Downstream(int windowBytes, Duration stallTimeout, Browser browser) {

        public Downstream {
            Objects.requireNonNull(browser, "browser");
        }

        /** The pacing above with the browser fallbacks' defaults. */
        public Downstream(int windowBytes, Duration stallTimeout) {
            this(windowBytes, stallTimeout, Browser.DEFAULTS);
        }
    }

    /**
     * {@code [security.downstream]}, the browser fallbacks (ccp-1.md §1.3, rest.md "Connect
     * upstream companion"; docs/transport.md).
     *
     * @param pollTimeout       a long-poll response with no frame written for this long ends (the
     *                          browser polls again); below common proxy idle timeouts
     * @param pollMaxBytes      a long-poll response ends once this many bytes went out on it
     * @param pollGrace         a long-poll session with no poll open for this long ends as if its
     *                          transport had closed
     * @param upstreamHeldBytes companion bytes held for one connection (out of order, or waiting
     *                          for the session to take them); the next expected POST is always taken
     * @param upstreamMaxAhead  how far past the next expected {@code X-Upstream-Seq} a POST may be
     *                          (409 beyond)
     */
    public record Browser(Duration pollTimeout, int pollMaxBytes, Duration pollGrace, int upstreamHeldBytes,
            int upstreamMaxAhead) {

        public static final Browser DEFAULTS = new Browser(Duration.ofSeconds(25), 1_048_576, Duration.ofSeconds(60),
                1_048_576, 64);
    }

    /**
     * {@code [security.timeouts]} (ours): how long a peer may take before the server cuts it
     * (docs/security.md, "Deadlines and timeouts").
     *
     * @param hello     a {@code /connect} stream's Hello must arrive this soon after the stream opened
     * @param bootstrap the device's Auth must complete the handshake this soon after the stream
     *                  opened (so the Ack can go out); at least {@code hello}
     * @param header    an HTTP/1.1 request head, the HTTP/2 preface with the first SETTINGS, or an
     *                  HTTP/2 header block must be complete this soon after it was due or began
     * @param body      a REST request body must be complete this soon after its head
     *                  ({@code /connect} bodies are streams and have no such deadline)
     * @param idle      a connection with no request in progress (HTTP/1.1) or no open stream
     *                  (HTTP/2) is closed after this long
     */
    public record Timeouts(Duration hello, Duration bootstrap, Duration header, Duration body, Duration idle) {

        /** The defaults of docs/configuration.md. */
        public static final Timeouts DEFAULTS = new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(30),
                Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60));

        public Timeouts {
            for (Duration d : new Duration[] {hello, bootstrap, header, body, idle}) {
                if (d.isZero() || d.isNegative()) {
                    throw new IllegalArgumentException("timeouts must be positive: " + d);
                }
            }
            if (bootstrap.compareTo(hello) < 0) {
                throw new IllegalArgumentException("the bootstrap deadline cannot be shorter than the Hello deadline");
            }
        }
    }

    /**
     * {@code [security.http]} keys about HTTPS itself (ours).
     *
     * @param hstsMaxAge        {@code strict-transport-security: max-age} on every response
     * @param tlsSessionTimeout how long a TLS session may be resumed from its ticket
     * @param tlsTicketRotation how often a new session-ticket key takes over (OpenSSL provider);
     *                          older keys still decrypt until {@code tlsSessionTimeout} has passed
     */
    public record Https(Duration hstsMaxAge, Duration tlsSessionTimeout, Duration tlsTicketRotation) {
    }

    /**
     * {@code [security.quota]} (ours): what one peer can make a node store or hold.
     *
     * @param inboxMaxEnvelopes envelopes waiting for one device; a durable frame past it is refused
     * @param inboxMaxBytes     payload bytes waiting for one device
     * @param channelMaxMembers members (joined or listed) of one channel
     * @param deviceMaxChannels channels one device may be a member of (joined or listed)
     * @param nodeBufferBytes   bytes all sessions of the node together may hold in unfinished
     *                          frames and in frames waiting for storage
     */
    public record Quotas(
            long inboxMaxEnvelopes,
            long inboxMaxBytes,
            int channelMaxMembers,
            int deviceMaxChannels,
            long nodeBufferBytes) {
    }

    /** {@code [admin]}: bearer token for admin endpoints; empty means "generate at first start". */
    public record Admin(Optional<String> token) {

        @Override
        public String toString() {
            return "Admin[token=" + token.map(t -> "<redacted>") + "]";
        }
    }
}
