package io.commucat.ccp.server.http.rest;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Maps a method and a path to what serves it; one table for HTTP/2 and HTTP/1.1. Immutable
 * and thread-safe. Paths match exactly (no trailing-slash or prefix games).
 */
public final class Router {

    /** The route name used in metrics for a path that matched nothing. */
    public static final String UNMATCHED = "unmatched";
    /** The streaming route: GET or POST. */
    public static final String CONNECT_PATH = "/connect";

    /** What a request head resolves to. */
    public sealed interface Match {
        /** The route template, for metrics. */
        String route();
    }

    /** {@code /connect}: a streaming exchange, not a REST call. */
    public record Connect(String route) implements Match {
    }

    public record Endpoint(String route, RestEndpoint endpoint) implements Match {
    }

    public record NotFound(String route) implements Match {
    }

    public record MethodNotAllowed(String route, String allowed) implements Match {
    }

    private final Map<String, Map<String, RestEndpoint>> routes;

    private Router(Map<String, Map<String, RestEndpoint>> routes) {
        this.routes = routes;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Match match(String method, String path) {
        if (path.equals(CONNECT_PATH)) {
            return method.equals("GET") || method.equals("POST")
                    ? new Connect(CONNECT_PATH)
                    : new MethodNotAllowed(CONNECT_PATH, "GET, POST");
        }
        Map<String, RestEndpoint> byMethod = routes.get(path);
        if (byMethod == null) {
            return new NotFound(UNMATCHED);
        }
        RestEndpoint endpoint = byMethod.get(method);
        if (endpoint == null) {
            return new MethodNotAllowed(path, String.join(", ", new TreeSet<>(byMethod.keySet())));
        }
        return new Endpoint(path, endpoint);
    }

    public static final class Builder {
        private final Map<String, Map<String, RestEndpoint>> routes = new LinkedHashMap<>();

        public Builder get(String path, RestEndpoint endpoint) {
            return add("GET", path, endpoint);
        }

        public Builder post(String path, RestEndpoint endpoint) {
            return add("POST", path, endpoint);
        }

        public Builder add(String method, String path, RestEndpoint endpoint) {
            if (path.equals(CONNECT_PATH)) {
                throw new IllegalArgumentException(CONNECT_PATH + " is the streaming route");
            }
            routes.computeIfAbsent(path, p -> new LinkedHashMap<>()).put(method, Objects.requireNonNull(endpoint));
            return this;
        }

        public Router build() {
            Map<String, Map<String, RestEndpoint>> copy = new LinkedHashMap<>();
            routes.forEach((path, methods) -> copy.put(path, Map.copyOf(methods)));
            return new Router(Map.copyOf(copy));
        }
    }
}
