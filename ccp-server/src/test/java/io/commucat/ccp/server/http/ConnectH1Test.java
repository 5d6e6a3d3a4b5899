package io.commucat.ccp.server.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Binary /connect over HTTP/1.1 with chunked bodies both ways, written by hand on a JDK TLS socket. */
@Timeout(20)
class ConnectH1Test {

    TestServer server;
    SSLSocket socket;
    OutputStream out;
    InputStream in;

    @BeforeEach
    void start() throws Exception {
        server = new TestServer();
        socket = (SSLSocket) TestTls.jdkClient("TLSv1.3").getSocketFactory().createSocket("127.0.0.1", server.port());
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setApplicationProtocols(new String[] {"http/1.1"});
        socket.setSSLParameters(parameters);
        socket.setSoTimeout(5_000);
        out = socket.getOutputStream();
        in = socket.getInputStream();
        out.write(("POST /connect HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @AfterEach
    void stop() throws IOException {
        socket.close();
        server.close();
    }

    private void chunk(byte[] bytes) throws IOException {
        out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private String line() throws IOException {
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

    private Map<String, String> responseHead() throws IOException {
        assertEquals("HTTP/1.1 200 OK", line());
        Map<String, String> headers = new HashMap<>();
        for (String h = line(); !h.isEmpty(); h = line()) {
            int colon = h.indexOf(':');
            headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
        }
        return headers;
    }

    /** Reads response chunks until {@code n} body bytes arrived (or the last chunk). */
    private byte[] readBody(int n) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (body.size() < n) {
            int size = Integer.parseInt(line().trim(), 16);
            if (size == 0) {
                line();
                break;
            }
            body.write(in.readNBytes(size));
            line();
        }
        return body.toByteArray();
    }

    @Test
    void chunkedFullDuplexEcho() throws Exception {
        Map<String, String> head = responseHead();
        assertEquals("application/octet-stream", head.get("content-type"));
        assertEquals("binary", head.get("x-commucat-connect-mode"));
        assertEquals("no-store", head.get("cache-control"));
        assertEquals("chunked", head.get("transfer-encoding"));
        for (int i = 0; i < 10; i++) {
            byte[] sent = ("ping-" + i).getBytes(StandardCharsets.US_ASCII);
            chunk(sent);
            assertArrayEquals(sent, readBody(sent.length));
        }
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        assertEquals(0, readBody(Integer.MAX_VALUE).length, "the last chunk ends the response");
        assertTrue(server.echo.streams.get(0).upstreamEnded.getCount() == 0);
    }

    @Test
    void oneByteChunksArriveIntact() throws Exception {
        responseHead();
        byte[] payload = new byte[200];
        new Random(3).nextBytes(payload);
        for (byte b : payload) {
            chunk(new byte[] {b});
        }
        assertArrayEquals(payload, readBody(payload.length));
    }
}
