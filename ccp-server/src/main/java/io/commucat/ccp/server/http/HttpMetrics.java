package io.commucat.ccp.server.http;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.group.ChannelGroup;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The transport's meters: open connections, open HTTP/2 streams, open {@code /connect}
 * sessions (gauges), requests by route and status (counter {@code ccp_http_requests_total}) and
 * connections or streams the server cut, by reason (counter {@code ccp_connections_closed_total}).
 * Thread-safe: updated from every event loop.
 */
final class HttpMetrics {

    private final MeterRegistry registry;
    private final AtomicInteger streams = new AtomicInteger();
    private final AtomicInteger connects = new AtomicInteger();

    HttpMetrics(MeterRegistry registry, ChannelGroup connections) {
        this.registry = registry;
        Gauge.builder("ccp.http.connections.open", connections, ChannelGroup::size)
                .description("Open client connections (TLS, either protocol)").strongReference(true).register(registry);
        Gauge.builder("ccp.http2.streams.open", streams, AtomicInteger::get)
                .description("Open HTTP/2 streams").strongReference(true).register(registry);
        Gauge.builder("ccp.connect.sessions.open", connects, AtomicInteger::get)
                .description("Open /connect sessions, any transport").strongReference(true).register(registry);
    }

    void streamOpened() {
        streams.incrementAndGet();
    }

    void streamClosed() {
        streams.decrementAndGet();
    }

    void connectOpened() {
        connects.incrementAndGet();
    }

    void connectClosed() {
        connects.decrementAndGet();
    }

    int openConnects() {
        return connects.get();
    }

    /**
     * The server cut a connection (or, for {@code body_timeout} on HTTP/2, a stream):
     * {@code header_timeout}, {@code body_timeout}, {@code idle}, {@code protocol_error}, or
     * {@code stalled_reader} (a {@code /connect} stream whose reader took nothing for the stall timeout).
     */
    void connectionClosed(String reason) {
        registry.counter("ccp.connections.closed", "reason", reason).increment();
    }

    /** One completed TLS handshake, by whether it resumed an earlier session (counter {@code ccp_tls_handshakes_total}). */
    void tlsHandshake(ServerTls.Resumption resumption) {
        registry.counter("ccp.tls.handshakes", "resumed", resumption.label()).increment();
    }

    /** One answered request; {@code route} is a template ({@code /healthz}, {@code unmatched}), never the raw path. */
    void request(String route, int status) {
        registry.counter("ccp.http.requests", "route", route, "status", Integer.toString(status)).increment();
    }
}
