package io.commucat.ccp.server.admission;

import io.commucat.ccp.server.config.ServerConfig.RateLimits;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Every per-address limit of one node (rest.md "Rate limits", docs/security.md "Rate limits and
 * flood control"): the listener asks {@link #http()} for each REST request, {@link #connect()}
 * for each {@code /connect} and {@link #connections()} at accept; the handshake asks
 * {@link #registrations()} before a Hello may register a device; the pairing endpoint asks
 * {@link #pairing()} for each claim. Each refusal counts in {@code ccp_rate_limited_total{limit}}
 * ({@code http}, {@code connect}, {@code pairing}, {@code register}, {@code connections}).
 * Whose address a request counts under is {@link #proxies()}' answer: the TCP peer, or behind a
 * trusted proxy the address its header names; the connection cap always counts the TCP peer.
 */
public final class Admission {

    public static final String METRIC = "ccp.rate.limited";

    private final RateLimiter http;
    private final RateLimiter connect;
    private final RateLimiter pairing;
    private final RateLimiter registrations;
    private final ConnectionCap connections;
    private final TrustedProxies proxies;

    /** Limits keyed on TCP peers (no trusted proxy). */
    public Admission(RateLimiter http, RateLimiter connect, RateLimiter pairing, RateLimiter registrations,
            ConnectionCap connections) {
        this(http, connect, pairing, registrations, connections, TrustedProxies.none());
    }

    public Admission(RateLimiter http, RateLimiter connect, RateLimiter pairing, RateLimiter registrations,
            ConnectionCap connections, TrustedProxies proxies) {
        this.proxies = Objects.requireNonNull(proxies, "proxies");
        this.http = Objects.requireNonNull(http, "http");
        this.connect = Objects.requireNonNull(connect, "connect");
        this.pairing = Objects.requireNonNull(pairing, "pairing");
        this.registrations = Objects.requireNonNull(registrations, "registrations");
        this.connections = Objects.requireNonNull(connections, "connections");
    }

    /** The configured limits, refusals counted in {@code registry}. */
    public static Admission configured(RateLimits config, MeterRegistry registry) {
        return configured(config, registry, System::nanoTime);
    }

    static Admission configured(RateLimits config, MeterRegistry registry, LongSupplier nanoTime) {
        RateLimiter.Refusals refusals = counters(registry);
        int capacity = config.maxTrackedAddresses();
        return new Admission(
                new RateLimiter("http", config.http(), capacity, nanoTime, refusals),
                new RateLimiter("connect", config.connect(), capacity, nanoTime, refusals),
                new RateLimiter("pairing", config.pairing(), capacity, nanoTime, refusals),
                new RateLimiter("register", config.register(), capacity, nanoTime, refusals),
                new ConnectionCap(config.maxConnectionsPerAddress(), refusals),
                TrustedProxies.configured(config));
    }

    /** No limits at all: for listeners built without a configuration (tests of other things). */
    public static Admission unlimited() {
        return new Admission(RateLimiter.unlimited("http"), RateLimiter.unlimited("connect"),
                RateLimiter.unlimited("pairing"), RateLimiter.unlimited("register"), ConnectionCap.unlimited());
    }

    /** {@code ccp_rate_limited_total{limit}}: one counter per limit, made once. */
    public static RateLimiter.Refusals counters(MeterRegistry registry) {
        Map<String, Counter> counters = new ConcurrentHashMap<>();
        return limit -> counters.computeIfAbsent(limit, l -> Counter.builder(METRIC).tag("limit", l)
                .description("Requests, streams and connections refused by a per-address limit")
                .register(registry)).increment();
    }

    /** REST requests (every route but {@code /connect}). */
    public RateLimiter http() {
        return http;
    }

    /** {@code /connect} streams, before any session work. */
    public RateLimiter connect() {
        return connect;
    }

    /** Pairing claims ({@code POST /api/pair/claim}); the endpoint asks it before any lookup. */
    public RateLimiter pairing() {
        return pairing;
    }

    /** Hellos of unknown devices, which may create a user and register a device. */
    public RateLimiter registrations() {
        return registrations;
    }

    /**
     * Who a request's client is: the TCP peer, or, when that peer is a trusted proxy, the
     * address its configured header names. Every limit here but {@link #connections()} counts that client.
     */
    public TrustedProxies proxies() {
        return proxies;
    }

    /** Concurrent TCP connections, counted per TCP peer (a proxy's connections count as the proxy's). */
    public ConnectionCap connections() {
        return connections;
    }
}
