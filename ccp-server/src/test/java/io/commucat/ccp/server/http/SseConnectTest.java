package io.commucat.ccp.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * SSE {@code /connect} with the upstream companion (ccp-1.md §1.2–1.3, rest.md "Connect upstream
 * companion") over HTTP/1.1 and HTTP/2, byte for byte, against a session double that numbers its
 * writes as the real one does. What every mode must do (a POST after the session ended is 404
 * among it) is {@link AbstractConnectTransportTest}'s, run for SSE by
 * {@link SseH1ConnectTransportTest} and {@link SseH2ConnectTransportTest}.
 */
@Timeout(30)
class SseConnectTest {

    TestServer server;
    SequencedEcho sessions;

    @BeforeEach
    void start() throws Exception {
        sessions = new SequencedEcho();
        server = new TestServer(new EchoHandler(), b -> b.connectHandler(sessions));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
    }

    private static String frameEvent(long id, String data) {
        return "event: frame\nid: " + id + "\ndata: " + b64(data) + "\n\n";
    }

    /** Opens {@code mode=sse&upstream=1}, checks the head and the preamble, returns the token. */
    private static String openWithToken(BrowserClient.Response sse) throws Exception {
        assertEquals(200, sse.head.statusCode());
        assertEquals(":ready\n\n", sse.readUntil("\n\n"));
        String upstream = sse.readUntil("\n\n");
        assertTrue(upstream.startsWith("event: upstream\ndata: "), upstream);
        String token = upstream.substring("event: upstream\ndata: ".length(), upstream.length() - 2);
        assertTrue(token.matches("[A-Za-z0-9_-]{22,}"), token);
        return token;
    }

    /** The next event that is not a keepalive (those come whenever 500 ms pass without a write). */
    private static String nextFrameEvent(BrowserClient.Response sse) throws Exception {
        String event = sse.readUntil("\n\n");
        while (event.equals(":keepalive\n\n")) {
            event = sse.readUntil("\n\n");
        }
        return event;
    }

    @ParameterizedTest
    @EnumSource(HttpClient.Version.class)
    void headCarriesTheModeTypeAndNoBuffering(HttpClient.Version version) throws Exception {
        BrowserClient browser = new BrowserClient(server.port(), version);
        try (BrowserClient.Response sse = browser.get("/connect?mode=sse&upstream=1")) {
            assertEquals(version, sse.head.version());
            assertEquals("text/event-stream", sse.header("content-type"));
            assertEquals("sse", sse.header("x-commucat-connect-mode"));
            assertEquals("no-store", sse.header("cache-control"));
            assertEquals("no", sse.header("x-accel-buffering"));
        }
    }

    @ParameterizedTest
    @EnumSource(HttpClient.Version.class)
    void companionPostsComeBackAsFrameEventsByteForByte(HttpClient.Version version) throws Exception {
        BrowserClient browser = new BrowserClient(server.port(), version);
        try (BrowserClient.Response sse = browser.get("/connect?mode=sse&upstream=1")) {
            String token = openWithToken(sse);
            assertEquals(204, browser.post(token, 0, "hello".getBytes(StandardCharsets.US_ASCII)).statusCode());
            assertEquals(frameEvent(1, "hello"), nextFrameEvent(sse));
            assertEquals(204, browser.postBase64(token, 1, "base64 body".getBytes(StandardCharsets.US_ASCII)).statusCode());
            assertEquals(frameEvent(2, "base64 body"), nextFrameEvent(sse));
        }
    }

    @ParameterizedTest
    @EnumSource(HttpClient.Version.class)
    void keepaliveCommentWhenNothingWasWrittenForTheInterval(HttpClient.Version version) throws Exception {
        BrowserClient browser = new BrowserClient(server.port(), version);
        try (BrowserClient.Response sse = browser.get("/connect?mode=sse&upstream=1")) {
            openWithToken(sse);
            assertEquals(":keepalive\n\n", sse.readUntil("\n\n"));
            assertEquals(":keepalive\n\n", sse.readUntil("\n\n"));
        }
    }

    @ParameterizedTest
    @EnumSource(HttpClient.Version.class)
    void outOfOrderPostsAreDeliveredInOrderAndDuplicatesDropped(HttpClient.Version version) throws Exception {
        BrowserClient browser = new BrowserClient(server.port(), version);
        try (BrowserClient.Response sse = browser.get("/connect?mode=sse&upstream=1")) {
            String token = openWithToken(sse);
            CompletableFuture<HttpResponse<String>> second = browser.postAsync(token, "1", "application/octet-stream",
                    "second".getBytes(StandardCharsets.US_ASCII));
            CompletableFuture<HttpResponse<String>> third = browser.postAsync(token, "2", "application/octet-stream",
                    "third".getBytes(StandardCharsets.US_ASCII));
            Thread.sleep(200); // let both arrive first (the order is the point; no timing is asserted)
            assertFalse(second.isDone(), "a POST after a gap is answered once the gap is filled");
            assertEquals(204, browser.post(token, 0, "first".getBytes(StandardCharsets.US_ASCII)).statusCode());
            assertEquals(204, second.get(10, TimeUnit.SECONDS).statusCode());
            assertEquals(204, third.get(10, TimeUnit.SECONDS).statusCode());
            assertEquals(frameEvent(1, "first"), nextFrameEvent(sse));
            assertEquals(frameEvent(2, "second"), nextFrameEvent(sse));
            assertEquals(frameEvent(3, "third"), nextFrameEvent(sse));

            assertEquals(204, browser.post(token, 1, "second again".getBytes(StandardCharsets.US_ASCII)).statusCode());
            assertEquals(204, browser.post(token, 3, "fourth".getBytes(StandardCharsets.US_ASCII)).statusCode());
            assertEquals(frameEvent(4, "fourth"), nextFrameEvent(sse), "the duplicate was dropped");
        }
    }

    @ParameterizedTest
    @EnumSource(HttpClient.Version.class)
    void badPostsAreRefusedWithTheirStatus(HttpClient.Version version) throws Exception {
        BrowserClient browser = new BrowserClient(server.port(), version);
        try (BrowserClient.Response sse = browser.get("/connect?mode=sse&upstream=1")) {
            String token = openWithToken(sse);
            byte[] x = {1};
            assertEquals(409, browser.postAsync(token, "65", "application/octet-stream", x).get().statusCode(),
                    "more than upstream_max_ahead (64) past the next expected");
            assertEquals(400, browser.postAsync(token, null, "application/octet-stream", x).get().statusCode());
            assertEquals(400, browser.postAsync(token, "-1", "application/octet-stream", x).get().statusCode());
            assertEquals(400, browser.postAsync(token, "0x1", "application/octet-stream", x).get().statusCode());
            assertEquals(400, browser.postAsync(token, "0", "text/plain", "not base64!".getBytes(StandardCharsets.US_ASCII))
                    .get().statusCode());
            if (version == HttpClient.Version.HTTP_2) {
                // Over HTTP/1.1 the 413 closes the connection mid-upload, which the JDK client reports as an I/O error.
                assertEquals(413, browser.postAsync(token, "0", "application/octet-stream", new byte[1_048_577]).get()
                        .statusCode());
            }
            assertEquals(404, browser.postAsync("AAAAAAAAAAAAAAAAAAAAAA", "0", "application/octet-stream", x).get()
                    .statusCode());
            // None of it reached the session: the next expected is still 0.
            assertEquals(204, browser.post(token, 0, "ok".getBytes(StandardCharsets.US_ASCII)).statusCode());
            assertEquals(frameEvent(1, "ok"), nextFrameEvent(sse));
        }
    }

    @ParameterizedTest
    @EnumSource(HttpClient.Version.class)
    void theTokenIsDeadOnceTheBrowserGoesAway(HttpClient.Version version) throws Exception {
        BrowserClient browser = new BrowserClient(server.port(), version);
        String token;
        try (BrowserClient.Response sse = browser.get("/connect?mode=sse&upstream=1")) {
            token = openWithToken(sse);
        }
        assertTrue(sessions.first.get(5, TimeUnit.SECONDS).transportClosed.await(10, TimeUnit.SECONDS));
        assertEquals(404, browser.post(token, 0, "late".getBytes(StandardCharsets.US_ASCII)).statusCode());
    }

    @ParameterizedTest
    @EnumSource(HttpClient.Version.class)
    void withoutUpstreamTheStreamIsTheOriginals(HttpClient.Version version) throws Exception {
        BrowserClient browser = new BrowserClient(server.port(), version);
        try (BrowserClient.Response sse = browser.get("/connect?mode=sse")) {
            assertEquals(":ready\n\n", sse.readUntil("\n\n"));
            // The GET's empty body is the session's whole upstream: the double ends the stream.
            assertEquals("", sse.readToEnd());
        }
    }
}
