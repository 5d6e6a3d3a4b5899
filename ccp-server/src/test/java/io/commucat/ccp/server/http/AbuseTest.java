package io.commucat.ccp.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.commucat.ccp.server.config.ServerConfig.HttpLimits;
import io.netty.handler.codec.http2.Http2Error;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** HTTP/2 abuse limits, driven by a client that writes raw frames and ignores SETTINGS. */
@Timeout(20)
class AbuseTest {

    TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = new TestServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void streamsBeyondMaxConcurrentAreRefused() throws Exception {
        try (RawH2Client client = new RawH2Client(server.port())) {
            int open = TestServer.MAX_STREAMS + 2;
            for (int i = 0; i < open; i++) {
                client.headers(1 + 2 * i, "POST", "/connect", false); // /connect streams stay open
            }
            Set<String> refused = new HashSet<>();
            for (int i = 0; i < 2; i++) {
                String rst = client.await("RST", 5_000);
                assertNotNull(rst);
                refused.add(rst);
            }
            long code = Http2Error.REFUSED_STREAM.code();
            assertEquals(Set.of("RST " + (1 + 2 * TestServer.MAX_STREAMS) + " " + code,
                    "RST " + (3 + 2 * TestServer.MAX_STREAMS) + " " + code), refused);
            assertEquals(TestServer.MAX_STREAMS, server.echo.streams.size());
        }
    }

    /**
     * A peer that floods PINGs and never reads the ACKs makes the server queue control frames;
     * past the limit (Netty's control-frame limit encoder) it is disconnected instead of
     * buffering without bound. Small socket buffers on both sides make the backlog real.
     */
    @Test
    void aPingFloodThatIsNeverReadIsCutOff() throws Exception {
        try (TestServer small = new TestServer(new EchoHandler(), b -> b.socketSendBuffer(16 * 1024));
                RawH2Client client = new RawH2Client(small.port())) {
            assertNotNull(client.await("SETTINGS", 5_000));
            client.autoRead(false);
            client.pings(200_000);
            client.autoRead(true);
            assertNotNull(client.await("CLOSED", 15_000), "the server closed the flooding connection");
        }
    }

    /** The same limit holds SETTINGS frames, each of which the server must acknowledge. */
    @Test
    void aSettingsFloodThatIsNeverReadIsCutOff() throws Exception {
        try (TestServer small = new TestServer(new EchoHandler(), b -> b.socketSendBuffer(16 * 1024));
                RawH2Client client = new RawH2Client(small.port())) {
            assertNotNull(client.await("SETTINGS", 5_000));
            client.autoRead(false);
            client.settings(200_000);
            client.autoRead(true);
            assertNotNull(client.await("CLOSED", 15_000), "the server closed the flooding connection");
        }
    }

    @Test
    void rapidResetFloodGetsGoAway() throws Exception {
        // Its own server with the default stream limit: with a limit of 4, Netty's deferred stream
        // deactivation can refuse a HEADERS, and the RST after it then hits a stream that never
        // existed (PROTOCOL_ERROR) before the reset limit trips.
        HttpLimits l = TestServer.limits();
        HttpLimits limits = new HttpLimits(100, l.maxHeaderListSize(), l.maxFrameSize(), l.initialWindowSize(),
                l.connectionWindowSize(), l.maxRstFrames(), l.rstWindow(), l.maxRequestBody(), l.tlsHandshakeTimeout());
        try (TestServer resets = new TestServer(new EchoHandler(), b -> b.httpLimits(limits));
                RawH2Client client = new RawH2Client(resets.port())) {
            // Exactly one reset past the limit: bytes still arriving after the server's close would
            // make the kernel answer with a TCP reset, which discards the GOAWAY before it is read.
            for (int i = 0; i < TestServer.MAX_RST + 1; i++) {
                int id = 1 + 2 * i;
                client.headers(id, "GET", "/healthz", false);
                client.reset(id);
            }
            java.util.List<String> seen = new java.util.ArrayList<>();
            String goAway = null;
            for (String e = client.events.poll(5, java.util.concurrent.TimeUnit.SECONDS); e != null;
                    e = client.events.poll(5, java.util.concurrent.TimeUnit.SECONDS)) {
                seen.add(e);
                if (e.startsWith("GOAWAY")) {
                    goAway = e;
                    break;
                }
            }
            assertEquals("GOAWAY " + Http2Error.ENHANCE_YOUR_CALM.code(), goAway, seen.toString());
            assertNotNull(client.await("CLOSED", 5_000));
        }
    }
}
