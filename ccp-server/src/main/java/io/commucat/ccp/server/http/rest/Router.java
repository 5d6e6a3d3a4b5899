package io.commucat.ccp.server.http.rest;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Maps a method and a path to what serves it; one table for HTTP/2 and HTTP/1.1. Immutable
 * and thread-safe. A route is a literal path ({@code /api/devices}) or a template whose
 * {@code {name}} segments match one non-empty path segment each
 * ({@code /api/friends/{user}/devices}); a literal route wins over a template, and templates
 * are tried in the order they were added. Path parameters are percent-decoded as UTF-8; the
 * path itself is matched raw, so an encoded slash never splits a segment. No trailing-slash or
 * prefix games.
 */
public final class Router {

    /** The route name used in metrics for a path that matched nothing. */
    public static final String UNMATCHED = "unmatched";
    /** The streaming route: GET or POST. */
    public static final String CONNECT_PATH = "/connect";
    /** The methods {@link #CONNECT_PATH} answers, sorted. */
    public static final java.util.SortedSet<String> CONNECT_METHODS =
            java.util.Collections.unmodifiableSortedSet(new TreeSet<>(List.of("GET", "POST")));

    /** What a request head resolves to. */
    public sealed interface Match {
        /** The route template, for metrics. */
        String route();
    }

    /** {@code /connect}: a streaming exchange, not a REST call. */
    public record Connect(String route) implements Match {
    }

    /** @param params the template's parameters, percent-decoded */
    public record Endpoint(String route, RestEndpoint endpoint, Map<String, String> params) implements Match {
        public Endpoint {
            params = Map.copyOf(params);
        }
    }

    public record NotFound(String route) implements Match {
    }

    public record MethodNotAllowed(String route, String allowed) implements Match {
    }

    /**
     * A path parameter that is not valid percent-encoded UTF-8, or holds a control character:
     * answered 400, never guessed at.
     */
    public record BadParameter(String route, String name) implements Match {
    }

    /** One registered path: its template's segments ({@code null} where a parameter stands). */
    private record Template(String route, String[] literals, String[] names, Map<String, RestEndpoint> byMethod) {
    }

    private final Map<String, Map<String, RestEndpoint>> literal;
    private final List<Template> templates;

    private Router(Map<String, Map<String, RestEndpoint>> literal, List<Template> templates) {
        this.literal = literal;
        this.templates = templates;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Match match(String method, String path) {
        if (path.equals(CONNECT_PATH)) {
            return CONNECT_METHODS.contains(method)
                    ? new Connect(CONNECT_PATH)
                    : new MethodNotAllowed(CONNECT_PATH, String.join(", ", CONNECT_METHODS));
        }
        // The first route that serves the path with this method wins: a literal path, then the
        // templates in order. Only when none does is the answer 405, naming the first route that
        // has the path (a friend whose handle is "requests" still reaches /api/friends/{user}).
        Match firstRefusal = null;
        Map<String, RestEndpoint> byMethod = literal.get(path);
        if (byMethod != null) {
            Match match = select(path, byMethod, method, Map.of());
            if (match instanceof Endpoint) {
                return match;
            }
            firstRefusal = match;
        }
        if (templates.isEmpty() || !path.startsWith("/")) {
            return firstRefusal != null ? firstRefusal : new NotFound(UNMATCHED);
        }
        String[] segments = path.substring(1).split("/", -1);
        for (Template template : templates) {
            if (template.literals().length != segments.length) {
                continue;
            }
            Map<String, String> params = bind(template, segments);
            if (params == null) {
                continue;
            }
            RestEndpoint endpoint = template.byMethod().get(method);
            if (endpoint == null) {
                if (firstRefusal == null) {
                    firstRefusal = select(template.route(), template.byMethod(), method, params);
                }
                continue;
            }
            for (Map.Entry<String, String> param : params.entrySet()) {
                if (param.getValue() == null) {
                    return new BadParameter(template.route(), param.getKey());
                }
            }
            return new Endpoint(template.route(), endpoint, params);
        }
        return firstRefusal != null ? firstRefusal : new NotFound(UNMATCHED);
    }

    private static Match select(String route, Map<String, RestEndpoint> byMethod, String method,
            Map<String, String> params) {
        RestEndpoint endpoint = byMethod.get(method);
        if (endpoint == null) {
            return new MethodNotAllowed(route, String.join(", ", new TreeSet<>(byMethod.keySet())));
        }
        return new Endpoint(route, endpoint, params);
    }

    /** The template's parameters for these segments, a {@code null} value for one that does not decode; {@code null} when it does not match. */
    private static Map<String, String> bind(Template template, String[] segments) {
        Map<String, String> params = null;
        for (int i = 0; i < segments.length; i++) {
            String literalSegment = template.literals()[i];
            if (literalSegment != null) {
                if (!literalSegment.equals(segments[i])) {
                    return null;
                }
            } else {
                if (segments[i].isEmpty()) {
                    return null;
                }
                if (params == null) {
                    params = new LinkedHashMap<>();
                }
                params.put(template.names()[i], decode(segments[i]));
            }
        }
        return params == null ? Map.of() : params;
    }

    /**
     * RFC 3986 percent-decoding of one segment as UTF-8 ({@code +} stays a plus); {@code null}
     * when malformed or when it decodes to a control character.
     */
    static String decode(String segment) {
        if (segment.indexOf('%') < 0) {
            return segment;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(segment.length());
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '%') {
                if (i + 2 >= segment.length()) {
                    return null;
                }
                int hi = Character.digit(segment.charAt(i + 1), 16);
                int lo = Character.digit(segment.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                bytes.write(hi << 4 | lo);
                i += 2;
            } else if (c < 0x80) {
                bytes.write(c);
            } else {
                return null; // a raw non-ASCII character is not a valid request target
            }
        }
        String decoded;
        try {
            decoded = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
        // No ids or handles hold control characters; PostgreSQL refuses NUL in text outright.
        return decoded.chars().anyMatch(Character::isISOControl) ? null : decoded;
    }

    public static final class Builder {
        private final Map<String, Map<String, RestEndpoint>> routes = new LinkedHashMap<>();

        public Builder get(String path, RestEndpoint endpoint) {
            return add("GET", path, endpoint);
        }

        public Builder post(String path, RestEndpoint endpoint) {
            return add("POST", path, endpoint);
        }

        public Builder put(String path, RestEndpoint endpoint) {
            return add("PUT", path, endpoint);
        }

        public Builder delete(String path, RestEndpoint endpoint) {
            return add("DELETE", path, endpoint);
        }

        /**
         * @param path a literal path or a template with {@code {name}} segments
         * @throws IllegalArgumentException for {@code /connect}, a path not starting with a slash,
         *     or a method registered twice on one path
         */
        public Builder add(String method, String path, RestEndpoint endpoint) {
            if (path.equals(CONNECT_PATH)) {
                throw new IllegalArgumentException(CONNECT_PATH + " is the streaming route");
            }
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("route must start with a slash: " + path);
            }
            RestEndpoint previous = routes.computeIfAbsent(path, p -> new LinkedHashMap<>())
                    .putIfAbsent(method, Objects.requireNonNull(endpoint));
            if (previous != null) {
                throw new IllegalArgumentException(method + " " + path + " is registered twice");
            }
            return this;
        }

        public Router build() {
            Map<String, Map<String, RestEndpoint>> literal = new LinkedHashMap<>();
            List<Template> templates = new ArrayList<>();
            routes.forEach((path, methods) -> {
                if (!path.contains("{")) {
                    literal.put(path, Map.copyOf(methods));
                    return;
                }
                String[] segments = path.substring(1).split("/", -1);
                String[] literals = new String[segments.length];
                String[] names = new String[segments.length];
                for (int i = 0; i < segments.length; i++) {
                    String s = segments[i];
                    if (s.startsWith("{") && s.endsWith("}") && s.length() > 2) {
                        names[i] = s.substring(1, s.length() - 1);
                    } else if (s.contains("{") || s.contains("}")) {
                        throw new IllegalArgumentException("a parameter must be a whole segment: " + path);
                    } else {
                        literals[i] = s;
                    }
                }
                templates.add(new Template(path, literals, names, Map.copyOf(methods)));
            });
            return new Router(Map.copyOf(literal), List.copyOf(templates));
        }
    }

    /** Every registered path and its methods (for the OpenAPI check), sorted. */
    public Map<String, java.util.Set<String>> table() {
        Map<String, java.util.Set<String>> table = new java.util.TreeMap<>();
        literal.forEach((path, methods) -> table.put(path, new TreeSet<>(methods.keySet())));
        templates.forEach(t -> table.put(t.route(), new TreeSet<>(t.byMethod().keySet())));
        return table;
    }
}
