package io.commucat.ccp.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SSE and long-poll as the original serves them, for clients that can stream a request body
 * (no {@code upstream=1}): upstream is the same request's body, downstream the mode's encoding,
 * over HTTP/2 (Netty's client) and HTTP/1.1 (chunked, by hand).
 */
@Timeout(20)
class StreamedBodyBrowserModesTest {

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

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void sseOverHttp2EchoesTheStreamedBodyAsEventsAndEndsWithIt() throws Exception {
        try (H2Client client = new H2Client(server.port())) {
            H2Client.Stream stream = client.open("POST", "/connect?mode=sse", true);
            Http2Headers head = stream.head.get(5, TimeUnit.SECONDS);
            assertEquals("text/event-stream", head.get("content-type").toString());
            assertEquals("sse", head.get("x-commucat-connect-mode").toString());
            stream.send(ascii("up-1"));
            String expected = ":ready\n\nevent: frame\nid: 1\ndata: " + b64("up-1") + "\n\n";
            assertEquals(expected, withoutKeepalives(stream, expected.length()));
            stream.send(ascii("up-2"));
            stream.end();
            stream.ended.get(5, TimeUnit.SECONDS);
            assertEquals(expected + "event: frame\nid: 2\ndata: " + b64("up-2") + "\n\n",
                    new String(stream.body(), StandardCharsets.US_ASCII).replace(":keepalive\n\n", ""));
        }
    }

    @Test
    void longPollOverHttp2EchoesTheStreamedBodyAsNdjsonLines() throws Exception {
        try (H2Client client = new H2Client(server.port())) {
            H2Client.Stream stream = client.open("POST", "/connect?mode=long-poll", true);
            assertEquals("application/x-ndjson", stream.head.get(5, TimeUnit.SECONDS).get("content-type").toString());
            stream.send(ascii("up"));
            String expected = "{\"channel\":7,\"sequence\":1,\"type\":\"msg\",\"data\":\"" + b64("up") + "\"}\n";
            assertEquals(expected, withoutKeepalives(stream, expected.length()));
            stream.end();
            stream.ended.get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void longPollOverHttp1EchoesTheChunkedBodyAsNdjsonLinesWithKeepalives() throws Exception {
        try (SSLSocket socket = (SSLSocket) TestTls.jdkClient("TLSv1.3").getSocketFactory()
                .createSocket("127.0.0.1", server.port())) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setApplicationProtocols(new String[] {"http/1.1"});
            socket.setSSLParameters(parameters);
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write(ascii("POST /connect HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
                    + "X-Connect-Mode: long-poll\r\n\r\n"));
            out.flush();
            Map<String, String> head = head(in);
            assertEquals("application/x-ndjson", head.get("content-type"));
            assertEquals("long-poll", head.get("x-commucat-connect-mode"));
            assertEquals("no", head.get("x-accel-buffering"));
            assertEquals("chunked", head.get("transfer-encoding"));
            out.write(ascii("2\r\nup\r\n"));
            out.flush();
            String expected = "{\"channel\":7,\"sequence\":1,\"type\":\"msg\",\"data\":\"" + b64("up") + "\"}\n";
            String first = chunk(in);
            while (first.equals("{\"keepalive\":true}\n")) {
                first = chunk(in); // the interval may pass before the upload arrives
            }
            assertEquals(expected, first);
            assertEquals("{\"keepalive\":true}\n", chunk(in), "nothing written for the keepalive interval");
            out.write(ascii("0\r\n\r\n"));
            out.flush();
            String rest = chunk(in);
            while (rest.equals("{\"keepalive\":true}\n")) {
                rest = chunk(in);
            }
            assertEquals("", rest, "the end of the body ends the session and its response");
            assertTrue(sessions.first.get().upstreamEnded.await(1, TimeUnit.SECONDS));
        }
    }

    /** The body so far without keepalives, once it holds at least {@code n} other bytes. */
    private static String withoutKeepalives(H2Client.Stream stream, int n) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5_000;
        String body = "";
        while (body.length() < n && System.currentTimeMillis() < deadline) {
            body = new String(stream.body(), StandardCharsets.US_ASCII).replace(":keepalive\n\n", "")
                    .replace("{\"keepalive\":true}\n", "");
            Thread.sleep(5);
        }
        return body;
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder s = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("end of stream");
            }
            if (c != '\r') {
                s.append((char) c);
            }
        }
        return s.toString();
    }

    private static Map<String, String> head(InputStream in) throws IOException {
        assertEquals("HTTP/1.1 200 OK", line(in));
        Map<String, String> headers = new HashMap<>();
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            int colon = h.indexOf(':');
            headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
        }
        return headers;
    }

    /** One response chunk's data ("" for the last chunk). */
    private static String chunk(InputStream in) throws IOException {
        int size = Integer.parseInt(line(in).trim(), 16);
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        data.write(in.readNBytes(size));
        line(in);
        return data.toString(StandardCharsets.US_ASCII);
    }
}
