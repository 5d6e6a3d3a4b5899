package io.commucat.ccp.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.server.config.ServerConfig;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Long-poll {@code /connect} with the companion and resume (rest.md "Connect upstream
 * companion") over HTTP/1.1 and HTTP/2: NDJSON byte for byte, polls that end on idle, resume
 * without loss, a poller that stays away bounded and then ended.
 */
@Timeout(60)
class LongPollConnectTest {

    static final int WINDOW = 16_384;
    static final String KEEPALIVE = "{\"keepalive\":true}\n";

    TestServer server;
    SequencedEcho sessions;

    @BeforeEach
    void start() throws Exception {
        sessions = new SequencedEcho();
        ServerConfig.Browser browser = new ServerConfig.Browser(Duration.ofMillis(1500), 1_048_576, Duration.ofSeconds(3),
                1_048_576, 64);
        server = new TestServer(new EchoHandler(), b -> b.connectHandler(sessions)
                .downstream(new ServerConfig.Downstream(WINDOW, Duration.ofSeconds(60), browser)));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static String line(long sequence, String data) {
        return "{\"channel\":7,\"sequence\":" + sequence + ",\"type\":\"msg\",\"data\":\""
                + Base64.getEncoder().encodeToString(data.getBytes(StandardCharsets.US_ASCII)) + "\"}\n";
    }

    private static String token(BrowserClient.Response poll) throws Exception {
        String first = poll.readUntil("\n");
        assertTrue(first.matches("\\{\"upstream\":\"[A-Za-z0-9_-]{22,}\"}\n"), first);
        return first.substring("{\"upstream\":\"".length(), first.length() - 3);
    }

    /** The next line that is not a keepalive (those come whenever 500 ms pass without a write). */
    private static String nextFrameLine(BrowserClient.Response poll) throws Exception {
        String line = poll.readUntil("\n");
        while (line.equals(KEEPALIVE)) {
            line = poll.readUntil("\n");
        }
        return line;
    }

    /** The frame lines of the rest of a poll, keepalives left out, once the server ended it. */
    private static List<String> framesToEnd(BrowserClient.Response poll) throws Exception {
        List<String> frames = new ArrayList<>();
        for (String l : poll.readToEnd().split("(?<=\n)")) {
            if (!l.isEmpty() && !l.equals(KEEPALIVE)) {
                frames.add(l);
            }
        }
        return frames;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    @ParameterizedTest
    @EnumSource(HttpClient.Version.class)
    void theFirstPollStartsWithTheTokenLineThenFramesAsNdjson(HttpClient.Version version) throws Exception {
        BrowserClient browser = new BrowserClient(server.port(), version);
        try (BrowserClient.Response poll = browser.get("/connect?mode=long-poll&upstream=1")) {
            assertEquals("application/x-ndjson", poll.header("content-type"));
            assertEquals("long-poll", poll.header("x-commucat-connect-mode"));
            assertEquals("no-store", poll.header("cache-control"));
            assertEquals("no", poll.header("x-accel-buffering"));
            String token = token(poll);
            assertEquals(204, browser.post(token, 0, ascii("hi")).statusCode());
            assertEquals(line(1, "hi"), nextFrameLine(poll));
        }
    }

    @ParameterizedTest
    @EnumSource(HttpClient.Version.class)
    void anIdlePollCarriesKeepalivesThenEnds(HttpClient.Version version) throws Exception {
        BrowserClient browser = new BrowserClient(server.port(), version);
        try (BrowserClient.Response poll = browser.get("/connect?mode=long-poll&upstream=1")) {
            token(poll);
            // Keepalive every 500 ms (TestServer.PING), the poll ends after 1.5 s without a frame.
            assertEquals(KEEPALIVE, poll.readUntil("\n"));
            assertEquals(List.of(), framesToEnd(poll));
        }
    }

    @ParameterizedTest
    @EnumSource(HttpClient.Version.class)
    void resumeDeliversWhatWasWrittenBetweenPollsAndAgainUntilAcknowledged(HttpClient.Version version)
            throws Exception {
        BrowserClient browser = new BrowserClient(server.port(), version);
        String token;
        try (BrowserClient.Response poll = browser.get("/connect?mode=long-poll&upstream=1")) {
            token = token(poll);
            assertEquals(204, browser.post(token, 0, ascii("one")).statusCode());
            assertEquals(List.of(line(1, "one")), framesToEnd(poll));
        }
        // No poll open: these are kept.
        assertEquals(204, browser.post(token, 1, ascii("two")).statusCode());
        assertEquals(204, browser.post(token, 2, ascii("three")).statusCode());
        try (BrowserClient.Response poll = browser.get("/connect?mode=long-poll&resume=" + token + "&after=1")) {
            assertEquals(200, poll.head.statusCode());
            assertEquals(List.of(line(2, "two"), line(3, "three")), framesToEnd(poll));
        }
        // As if that poll's response had been lost: the browser still says after=1.
        try (BrowserClient.Response poll = browser.get("/connect?mode=long-poll&resume=" + token + "&after=1")) {
            assertEquals(line(2, "two"), nextFrameLine(poll));
            assertEquals(line(3, "three"), nextFrameLine(poll));
            assertEquals(204, browser.post(token, 3, ascii("four")).statusCode());
            assertEquals(List.of(line(4, "four")), framesToEnd(poll));
        }
        try (BrowserClient.Response poll = browser.get("/connect?mode=long-poll&resume=" + token + "&after=4")) {
            assertEquals(List.of(), framesToEnd(poll));
        }
    }

    @ParameterizedTest
    @EnumSource(HttpClient.Version.class)
    void aNewPollEndsTheOpenOne(HttpClient.Version version) throws Exception {
        BrowserClient browser = new BrowserClient(server.port(), version);
        try (BrowserClient.Response first = browser.get("/connect?mode=long-poll&upstream=1")) {
            String token = token(first);
            try (BrowserClient.Response second = browser.get("/connect?mode=long-poll&resume=" + token + "&after=0")) {
                assertEquals(List.of(), framesToEnd(first));
                assertEquals(204, browser.post(token, 0, ascii("to the second")).statusCode());
                assertEquals(line(1, "to the second"), nextFrameLine(second));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(HttpClient.Version.class)
    void aBadResumeIsRefused(HttpClient.Version version) throws Exception {
        BrowserClient browser = new BrowserClient(server.port(), version);
        try (BrowserClient.Response poll = browser.get("/connect?mode=long-poll&resume=AAAAAAAAAAAAAAAAAAAAAA&after=0")) {
            assertEquals(404, poll.head.statusCode());
        }
        try (BrowserClient.Response poll = browser.get("/connect?mode=long-poll&upstream=1")) {
            String token = token(poll);
            try (BrowserClient.Response sse = browser.get("/connect?mode=sse&resume=" + token)) {
                assertEquals(400, sse.head.statusCode());
            }
            try (BrowserClient.Response bad = browser.get("/connect?mode=long-poll&resume=" + token + "&after=x")) {
                assertEquals(400, bad.head.statusCode());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(HttpClient.Version.class)
    void aPollerThatStaysAwayPausesTheSessionThenEndsIt(HttpClient.Version version) throws Exception {
        BrowserClient browser = new BrowserClient(server.port(), version);
        String token;
        try (BrowserClient.Response poll = browser.get("/connect?mode=long-poll&upstream=1")) {
            token = token(poll);
        } // the browser drops its poll and does not come back for a while
        assertEquals(204, browser.post(token, 0, ascii("flood")).statusCode());
        SequencedEcho.Session session = sessions.first.get(5, TimeUnit.SECONDS);
        // Nothing is acknowledged: the session wrote up to its window and no further.
        long written = session.floodWrites.get();
        assertTrue(session.paused, "the session found no room");
        assertTrue(written * SequencedEcho.FLOOD_FRAME <= WINDOW + 2L * SequencedEcho.FLOOD_FRAME,
                written + " frames kept for a browser that does not poll");

        // A poll acknowledging everything but the last frame lets the session go on.
        try (BrowserClient.Response poll = browser.get("/connect?mode=long-poll&resume=" + token + "&after=" + (written - 1))) {
            String last = nextFrameLine(poll);
            assertTrue(last.startsWith("{\"channel\":7,\"sequence\":" + written + ","), last);
        }
        assertTrue(session.readies.get() >= 1, "room again once the browser had the frames");

        // No poll for poll_grace (3 s): the session ends as transport-closed and the token with it.
        assertTrue(session.transportClosed.await(20, TimeUnit.SECONDS));
        assertEquals(404, browser.post(token, 1, ascii("late")).statusCode());
        try (BrowserClient.Response poll = browser.get("/connect?mode=long-poll&resume=" + token + "&after=0")) {
            assertEquals(404, poll.head.statusCode());
        }
    }
}
