package io.commucat.ccp.server.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Binary /connect over real HTTP/2 (Netty's client) against the echo stream. */
@Timeout(20)
class ConnectH2Test {

    TestServer server;
    H2Client client;

    @BeforeEach
    void start() throws Exception {
        server = new TestServer();
        client = new H2Client(server.port());
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    @Test
    void fullDuplexEchoBeforeEndStream() throws Exception {
        H2Client.Stream stream = client.open("POST", "/connect", true);
        Http2Headers head = stream.head.get(5, TimeUnit.SECONDS);
        assertEquals("200", head.status().toString());
        assertEquals("application/octet-stream", head.get("content-type").toString());
        assertEquals("binary", head.get("x-commucat-connect-mode").toString());
        assertEquals("no-store", head.get("cache-control").toString());

        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        for (int i = 0; i < 20; i++) {
            byte[] chunk = ("frame-" + i + ";").getBytes(StandardCharsets.US_ASCII);
            stream.send(chunk);
            sent.write(chunk);
            // Interleaved: each chunk comes back before the next goes up, with the request still open.
            assertArrayEquals(sent.toByteArray(), stream.awaitBody(sent.size(), 5_000));
        }
        assertFalse(stream.ended.isDone());
        stream.end();
        stream.ended.get(5, TimeUnit.SECONDS);
        assertTrue(server.echo.streams.get(0).upstreamEnded.await(1, TimeUnit.SECONDS));
        assertTrue(server.echo.threads.get(0).startsWith(EventLoops.THREAD_PREFIX));
        assertFalse(server.echo.streams.get(0).offLoopCall);
    }

    @Test
    void oneByteDataFramesArriveIntact() throws Exception {
        H2Client.Stream stream = client.open("GET", "/connect", true);
        byte[] payload = new byte[300];
        new Random(7).nextBytes(payload);
        for (byte b : payload) {
            stream.sendAsync(new byte[] {b});
        }
        stream.end();
        stream.ended.get(10, TimeUnit.SECONDS);
        assertArrayEquals(payload, stream.body());
    }

    @Test
    void clientResetTellsTheStream() throws Exception {
        H2Client.Stream stream = client.open("POST", "/connect", true);
        stream.head.get(5, TimeUnit.SECONDS);
        assertTrue(server.echo.opened.await(5, TimeUnit.SECONDS));
        stream.cancel();
        assertTrue(server.echo.streams.get(0).transportClosed.await(5, TimeUnit.SECONDS));
    }

    @Test
    void slowReaderStopsUpstreamReadsAndBuffersBoundedly() throws Exception {
        // The client does not read its response: its stream window (65,535) fills, the server's
        // stream becomes unwritable and the server stops reading the upload.
        H2Client.Stream stream = client.open("POST", "/connect", false);
        byte[] payload = new byte[2 * 1024 * 1024];
        new Random(11).nextBytes(payload);
        int chunk = 16 * 1024;
        for (int off = 0; off < payload.length; off += chunk) {
            stream.sendAsync(java.util.Arrays.copyOfRange(payload, off, off + chunk));
        }
        Thread.sleep(1_000);
        long received = server.echo.received.get();
        assertTrue(received < 512 * 1024, "server read " + received + " bytes while nobody read the echo");
        assertTrue(received > 0);
        Thread.sleep(300);
        assertEquals(received, server.echo.received.get(), "reading stays paused");

        stream.channel.config().setAutoRead(true);
        stream.end();
        stream.ended.get(15, TimeUnit.SECONDS);
        assertArrayEquals(payload, stream.body());
    }
}
