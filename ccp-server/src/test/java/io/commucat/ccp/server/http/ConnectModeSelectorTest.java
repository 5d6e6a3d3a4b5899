package io.commucat.ccp.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConnectModeSelectorTest {

    private final Map<String, List<String>> query = new HashMap<>();
    private final Map<String, List<String>> headers = new HashMap<>();

    private ConnectMode select() {
        return ConnectModeSelector.select(query, name -> headers.getOrDefault(name, List.of()));
    }

    @ParameterizedTest
    @CsvSource({"binary,BINARY", "stream,BINARY", "SSE,SSE", "event-stream,SSE", "EventStream,SSE",
        "long-poll,LONG_POLL", "longpoll,LONG_POLL", "Poll,LONG_POLL", "websocket,WEBSOCKET", "WS,WEBSOCKET"})
    void queryNamesAreCaseInsensitive(String value, ConnectMode expected) {
        query.put("mode", List.of(value));
        assertEquals(expected, select());
        query.clear();
        query.put("transport", List.of(value));
        assertEquals(expected, select());
    }

    @Test
    void emptyRequestIsBinary() {
        assertEquals(ConnectMode.BINARY, select());
    }

    @Test
    void modeBeatsTransportAndHeaders() {
        query.put("transport", List.of("ws"));
        query.put("mode", List.of("sse"));
        headers.put("x-connect-mode", List.of("poll"));
        assertEquals(ConnectMode.SSE, select());
    }

    @Test
    void unknownQueryValueFallsThroughToTheNextRule() {
        query.put("mode", List.of("carrier-pigeon"));
        query.put("transport", List.of("poll"));
        assertEquals(ConnectMode.LONG_POLL, select());
        query.remove("transport");
        headers.put("x-commucat-connect-mode", List.of("sse"));
        assertEquals(ConnectMode.SSE, select());
    }

    @Test
    void queryBeatsHeaders() {
        query.put("mode", List.of("binary"));
        headers.put("accept", List.of("text/event-stream"));
        headers.put("x-connect-mode", List.of("sse"));
        assertEquals(ConnectMode.BINARY, select());
    }

    @Test
    void xConnectModeBeatsXCommucatConnectMode() {
        headers.put("x-connect-mode", List.of("poll"));
        headers.put("x-commucat-connect-mode", List.of("ws"));
        assertEquals(ConnectMode.LONG_POLL, select());
        headers.put("x-connect-mode", List.of("nonsense"));
        assertEquals(ConnectMode.WEBSOCKET, select());
    }

    @Test
    void headersBeatUpgradeAndAccept() {
        headers.put("x-commucat-connect-mode", List.of("binary"));
        headers.put("upgrade", List.of("websocket"));
        headers.put("connection", List.of("Upgrade"));
        assertEquals(ConnectMode.BINARY, select());
    }

    @Test
    void websocketNeedsUpgradeAndConnectionToken() {
        headers.put("upgrade", List.of("WebSocket"));
        assertEquals(ConnectMode.BINARY, select());
        headers.put("connection", List.of("keep-alive, Upgrade"));
        assertEquals(ConnectMode.WEBSOCKET, select());
        headers.put("connection", List.of("keep-alive, upgraded"));
        assertEquals(ConnectMode.BINARY, select());
    }

    @Test
    void upgradeBeatsAccept() {
        headers.put("upgrade", List.of("websocket"));
        headers.put("connection", List.of("upgrade"));
        headers.put("accept", List.of("text/event-stream"));
        assertEquals(ConnectMode.WEBSOCKET, select());
    }

    @Test
    void acceptIgnoresParametersAndOtherRanges() {
        headers.put("accept", List.of("application/json, Text/Event-Stream;q=0.9"));
        assertEquals(ConnectMode.SSE, select());
        headers.put("accept", List.of("text/event-streams, text/*"));
        assertEquals(ConnectMode.BINARY, select());
    }
}
