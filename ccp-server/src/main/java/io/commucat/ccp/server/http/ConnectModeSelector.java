package io.commucat.ccp.server.http;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * ccp-1.md §1.1: which mode a {@code /connect} request asks for, first matching rule wins.
 * Pure and thread-safe; the same function serves HTTP/2 and HTTP/1.1.
 *
 * <p>A value that names no mode (e.g. {@code ?mode=carrier-pigeon}) does not match its rule, so
 * the next rule decides, ending with binary.
 */
public final class ConnectModeSelector {

    private ConnectModeSelector() {
    }

    /**
     * @param query   decoded query parameters (name → values, as {@code QueryStringDecoder} gives)
     * @param headers request header name (lower case) → all its values, empty list when absent
     */
    public static ConnectMode select(Map<String, List<String>> query, Function<String, List<String>> headers) {
        // 1. ?mode= then ?transport= (parameter names matched case-insensitively).
        for (String parameter : List.of("mode", "transport")) {
            Optional<ConnectMode> mode = queryValue(query, parameter).flatMap(ConnectMode::parse);
            if (mode.isPresent()) {
                return mode.get();
            }
        }
        // 2. X-Connect-Mode, then X-CommuCat-Connect-Mode.
        for (String header : List.of("x-connect-mode", "x-commucat-connect-mode")) {
            for (String value : headers.apply(header)) {
                Optional<ConnectMode> mode = ConnectMode.parse(value);
                if (mode.isPresent()) {
                    return mode.get();
                }
            }
        }
        // 3. A WebSocket upgrade request.
        boolean upgradeWebsocket = headers.apply("upgrade").stream().anyMatch(v -> v.trim().equalsIgnoreCase("websocket"));
        if (upgradeWebsocket && hasToken(headers.apply("connection"), "upgrade")) {
            return ConnectMode.WEBSOCKET;
        }
        // 4. Accept naming text/event-stream, media-type parameters ignored.
        if (acceptsEventStream(headers.apply("accept"))) {
            return ConnectMode.SSE;
        }
        // 5.
        return ConnectMode.BINARY;
    }

    private static Optional<String> queryValue(Map<String, List<String>> query, String name) {
        for (Map.Entry<String, List<String>> e : query.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                return Optional.of(e.getValue().get(0));
            }
        }
        return Optional.empty();
    }

    private static boolean hasToken(List<String> values, String token) {
        for (String value : values) {
            for (String part : value.split(",")) {
                if (part.trim().equalsIgnoreCase(token)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean acceptsEventStream(List<String> values) {
        for (String value : values) {
            for (String range : value.split(",")) {
                int semicolon = range.indexOf(';');
                String type = (semicolon < 0 ? range : range.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
                if (type.equals("text/event-stream")) {
                    return true;
                }
            }
        }
        return false;
    }
}
