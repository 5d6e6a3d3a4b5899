package io.commucat.ccp.server.http;

import java.util.Locale;
import java.util.Optional;

/** The {@code /connect} modes of ccp-1.md §1 with their wire names and response media types. */
public enum ConnectMode {
    BINARY("binary", "application/octet-stream"),
    SSE("sse", "text/event-stream"),
    LONG_POLL("long-poll", "application/x-ndjson"),
    WEBSOCKET("websocket", null);

    private final String wireName;
    private final String contentType;

    ConnectMode(String wireName, String contentType) {
        this.wireName = wireName;
        this.contentType = contentType;
    }

    /** The value of {@code x-commucat-connect-mode}. */
    public String wireName() {
        return wireName;
    }

    /** The response {@code content-type}; {@code null} for WebSocket (an upgrade has no body type). */
    public String contentType() {
        return contentType;
    }

    /**
     * The mode a query value or a mode header names (§1.1 rule 1, case-insensitive); empty for
     * anything else, in which case selection moves on to the next rule.
     */
    public static Optional<ConnectMode> parse(String name) {
        if (name == null) {
            return Optional.empty();
        }
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "binary", "stream" -> Optional.of(BINARY);
            case "sse", "event-stream", "eventstream" -> Optional.of(SSE);
            case "long-poll", "longpoll", "poll" -> Optional.of(LONG_POLL);
            case "websocket", "ws" -> Optional.of(WEBSOCKET);
            default -> Optional.empty();
        };
    }
}
