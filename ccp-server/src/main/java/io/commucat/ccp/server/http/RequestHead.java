package io.commucat.ccp.server.http;

import io.commucat.ccp.server.admission.ClientAddress;
import io.commucat.ccp.server.admission.TrustedProxies;
import io.commucat.ccp.server.http.rest.RestRequest;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http2.Http2Headers;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

/**
 * A request's method, target, headers and client, read from either protocol's head. Immutable.
 *
 * @param remoteAddress   the client as text, for logs, the ledger and the session: the TCP peer,
 *     or behind a trusted proxy the address its header names ({@link TrustedProxies})
 * @param client          the same client as the per-address limits count it
 * @param malformedTarget the query holds a bad percent escape: the request is answered 400 and
 *     its query is empty (never guessed at)
 * @param protocol        HTTP/2's {@code :protocol} (RFC 8441 extended CONNECT), {@code null} without one
 */
record RequestHead(String method, String path, Map<String, List<String>> query,
        Map<String, List<String>> headers, String remoteAddress, ClientAddress client, boolean malformedTarget,
        String protocol) {

    /** An HTTP/2 head from {@code peer}, its client as {@code proxies} decide. */
    static RequestHead of(Http2Headers h2, SocketAddress peer, TrustedProxies proxies) {
        Map<String, List<String>> headers = headers(h2);
        return of(h2, headers, proxies.clientOf(peer, name -> headers.getOrDefault(name, List.of())));
    }

    /** An HTTP/1.1 head from {@code peer}, its client as {@code proxies} decide. */
    static RequestHead of(HttpRequest request, SocketAddress peer, TrustedProxies proxies) {
        Map<String, List<String>> headers = headers(request);
        return of(request, headers, proxies.clientOf(peer, name -> headers.getOrDefault(name, List.of())));
    }

    /** A head whose client is {@code remoteAddress} as it stands (no proxy is trusted). */
    static RequestHead of(Http2Headers h2, String remoteAddress) {
        return of(h2, headers(h2), new TrustedProxies.Client(remoteAddress, ClientAddress.parse(remoteAddress), false));
    }

    static RequestHead of(HttpRequest request, String remoteAddress) {
        return of(request, headers(request),
                new TrustedProxies.Client(remoteAddress, ClientAddress.parse(remoteAddress), false));
    }

    private static Map<String, List<String>> headers(Http2Headers h2) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        h2.forEach(e -> {
            String name = e.getKey().toString();
            if (!name.startsWith(":")) {
                add(headers, name, e.getValue().toString());
            }
        });
        return headers;
    }

    private static Map<String, List<String>> headers(HttpRequest request) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        request.headers().forEach(e -> add(headers, e.getKey(), e.getValue()));
        return headers;
    }

    private static RequestHead of(Http2Headers h2, Map<String, List<String>> headers, TrustedProxies.Client client) {
        String method = h2.method() == null ? "" : h2.method().toString();
        String target = h2.path() == null ? "/" : h2.path().toString();
        CharSequence protocol = h2.get(Http2Headers.PseudoHeaderName.PROTOCOL.value());
        return of(method, target, headers, client, protocol == null ? null : protocol.toString());
    }

    private static RequestHead of(HttpRequest request, Map<String, List<String>> headers, TrustedProxies.Client client) {
        return of(request.method().name(), request.uri(), headers, client, null);
    }

    private static RequestHead of(String method, String target, Map<String, List<String>> headers,
            TrustedProxies.Client client, String protocol) {
        QueryStringDecoder decoder = new QueryStringDecoder(target);
        Map<String, List<String>> query;
        boolean malformed = false;
        try {
            query = decoder.parameters();
        } catch (IllegalArgumentException badEscape) {
            query = Map.of();
            malformed = true;
        }
        // rawPath: routing must not see percent-decoded slashes.
        return new RequestHead(method.toUpperCase(Locale.ROOT), decoder.rawPath(), query, headers,
                client.remoteAddress(), client.key(), malformed, protocol);
    }

    private static void add(Map<String, List<String>> headers, String name, String value) {
        headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), n -> new ArrayList<>()).add(value);
    }

    List<String> header(String name) {
        return headers.getOrDefault(name, List.of());
    }

    /** The declared {@code content-length}, empty when absent or malformed. */
    OptionalLong contentLength() {
        List<String> values = header("content-length");
        if (values.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(values.get(0).trim()));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** An RFC 8441 extended CONNECT (HTTP/2 {@code :method CONNECT} with a {@code :protocol}). */
    boolean extendedConnect() {
        return protocol != null && method.equals("CONNECT");
    }

    ConnectMode connectMode() {
        return ConnectModeSelector.select(query, this::header);
    }

    RestRequest toRequest(byte[] body, java.util.Map<String, String> params) {
        return new RestRequest(method, path, query, headers, body, remoteAddress, params);
    }
}
