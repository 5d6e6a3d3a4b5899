package io.commucat.ccp.client.transport;

import io.netty.channel.EventLoop;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A device's connection to a CCP server, whatever HTTP version the TLS handshake chose: {@code
 * /connect} streams ({@link #openConnect}) and REST calls ({@link #request}). Made by {@link
 * ClientTransport#connect()}: an {@link H2Connection} when ALPN chose {@code h2}, an {@link
 * H1Connection} when it chose {@code http/1.1} or nothing (a proxy that strips ALPN).
 *
 * <p>Any number of streams and calls may be open at once: over HTTP/2 they share one TCP
 * connection; over HTTP/1.1, which carries one exchange at a time, each takes a socket of its
 * own (see {@link H1Connection}).
 *
 * <p>Threading: thread-safe; every method returns at once. All streams of a connection share its
 * {@link #eventLoop()}: their listeners run there, one callback at a time, and must not block.
 * Futures complete on that loop too. Closing the connection closes its streams (each reports
 * {@link StreamClosure.Kind#CONNECTION_LOST} unless it had completed).
 */
public sealed interface ClientConnection extends AutoCloseable permits H2Connection, H1Connection {

    /** Largest body {@link #request} collects. */
    int MAX_RESPONSE_BODY = 4 * 1024 * 1024;

    /** The HTTP version a connection speaks. */
    enum Protocol {
        /** HTTP/2 (ALPN {@code h2}). */
        HTTP_2("h2"),
        /** HTTP/1.1 (ALPN {@code http/1.1}, or no ALPN at all). */
        HTTP_1_1("http/1.1");

        private final String alpn;

        Protocol(String alpn) {
            this.alpn = alpn;
        }

        /** The protocol's ALPN identifier (RFC 7301). */
        public String alpnName() {
            return alpn;
        }
    }

    /** The HTTP version the server chose for this connection. */
    Protocol protocol();

    /**
     * Opens a binary {@code /connect} stream: {@code POST /connect}, content type {@code
     * application/octet-stream}, request body left open for upstream bytes (over HTTP/1.1 with
     * {@code transfer-encoding: chunked}). Completes once the request head is written; fails
     * with a {@link TransportClosedException} when the connection is closed.
     */
    CompletableFuture<ConnectStream> openConnect(StreamListener listener);

    /**
     * A request with a body (sent whole; an empty body sends none) and extra headers (lower-case
     * names, e.g. {@code content-type}, {@code authorization}), its whole response collected (at
     * most {@value #MAX_RESPONSE_BODY} bytes).
     */
    CompletableFuture<H2Response> request(String method, String path, Map<String, String> headers, byte[] body);

    /** A request without a body and with extra headers, its whole response collected. */
    default CompletableFuture<H2Response> request(String method, String path, Map<String, String> headers) {
        return request(method, path, headers, new byte[0]);
    }

    /** A request without a body, its whole response collected. */
    default CompletableFuture<H2Response> request(String method, String path) {
        return request(method, path, Map.of());
    }

    /** {@code GET path}, collected. */
    default CompletableFuture<H2Response> get(String path) {
        return request("GET", path);
    }

    /**
     * Whether the connection can carry new streams and calls: until it is closed, by either side
     * (an {@link H1Connection} ends when its last socket closes). A call made right as the server
     * closes may still fail with a {@link TransportClosedException}.
     */
    boolean isActive();

    /**
     * Checks the link (ccp-1.md §4.3). HTTP/2: a PING, completing when the server acknowledges
     * it and failing when the connection closes first. HTTP/1.1 has no PING: it completes at once,
     * and TCP keepalive and failed writes find a dead link instead, as the spec says.
     */
    CompletableFuture<Void> ping();

    /** The loop where this connection and its streams' listeners run. */
    EventLoop eventLoop();

    /** Completes when the connection is closed, by either side (see {@link #isActive()}). */
    CompletableFuture<Void> closeFuture();

    /** Closes the connection at once; its streams are closed. */
    @Override
    void close();
}
