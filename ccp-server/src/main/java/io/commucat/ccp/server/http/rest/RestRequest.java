package io.commucat.ccp.server.http.rest;

import java.util.List;
import java.util.Map;

/**
 * A REST request with its whole (bounded) body, independent of HTTP/2 or HTTP/1.1.
 *
 * @param method        upper case, e.g. {@code GET}
 * @param path          the path without the query, percent-decoding not applied
 * @param query         decoded query parameters
 * @param headers       header name in lower case → its values in order
 * @param body          the request body, at most the configured limit
 * @param remoteAddress the client's address as text: the TCP peer, or what a trusted proxy's
 *                      header names
 * @param params        the route template's parameters, percent-decoded
 */
public record RestRequest(String method, String path, Map<String, List<String>> query,
        Map<String, List<String>> headers, byte[] body, String remoteAddress, Map<String, String> params) {

    public RestRequest {
        query = Map.copyOf(query);
        headers = Map.copyOf(headers);
        params = Map.copyOf(params);
    }

    public RestRequest(String method, String path, Map<String, List<String>> query,
            Map<String, List<String>> headers, byte[] body, String remoteAddress) {
        this(method, path, query, headers, body, remoteAddress, Map.of());
    }

    /** All values of {@code name} (lower case), empty when absent. */
    public List<String> header(String name) {
        return headers.getOrDefault(name, List.of());
    }

    /** The path parameter {@code name} of the route template. */
    public String param(String name) {
        String value = params.get(name);
        if (value == null) {
            throw new IllegalArgumentException("route has no parameter " + name);
        }
        return value;
    }
}
