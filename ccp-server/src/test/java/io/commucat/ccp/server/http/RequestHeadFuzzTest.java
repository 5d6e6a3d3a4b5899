package io.commucat.ccp.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Coverage-guided fuzzing of how a request's target and headers are read (docs/fuzzing.md), as
 * HTTP/2 hands them over (any {@code :path}; HPACK does not check it) and as HTTP/1.1 does (a
 * target Netty's request line accepts). Layout: the request target, then optionally a zero byte
 * and {@code name: value} header lines. Contract: path, query, connect mode and content length
 * are read without an exception escaping.
 */
class RequestHeadFuzzTest {

    @FuzzTest
    void requestTargetAndHeaders(byte[] input) {
        String text = new String(input, StandardCharsets.ISO_8859_1);
        int zero = text.indexOf('\0');
        String target = zero < 0 ? text : text.substring(0, zero);
        String[] lines = zero < 0 ? new String[0] : text.substring(zero + 1).split("\n");

        Http2Headers h2 = new DefaultHttp2Headers(false).method("GET").path(target);
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                h2.add(line.substring(0, colon).toLowerCase(Locale.ROOT), line.substring(colon + 1));
            }
        }
        readEverything(RequestHead.of(h2, "192.0.2.1:1"));

        DefaultHttpRequest h1;
        try {
            h1 = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, target, false);
        } catch (IllegalArgumentException refusedByNetty) {
            return; // Netty's HTTP/1.1 decoder never hands such a request line over
        }
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                h1.headers().add(line.substring(0, colon), line.substring(colon + 1));
            }
        }
        readEverything(RequestHead.of(h1, "192.0.2.1:1"));
    }

    private static void readEverything(RequestHead head) {
        assertEquals("GET", head.method());
        assertNotNull(head.path());
        assertNotNull(head.query());
        assertNotNull(head.connectMode());
        assertNotNull(head.contentLength());
        assertNotNull(head.toRequest(new byte[0], java.util.Map.of()));
    }
}
