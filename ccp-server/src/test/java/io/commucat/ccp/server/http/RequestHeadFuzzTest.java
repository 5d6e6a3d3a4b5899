package io.commucat.ccp.server.http;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * Coverage-guided fuzzing of how a REST request's target and headers are read (docs/fuzzing.md).
 * Layout: the request target, then optionally a zero byte and {@code name: value} header lines.
 */
class RequestHeadFuzzTest {

    @FuzzTest
    void requestTargetAndHeaders(byte[] input) {
        String text = new String(input, StandardCharsets.ISO_8859_1);
        int zero = text.indexOf('\0');
        String target = zero < 0 ? text : text.substring(0, zero);
        DefaultHttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, target, false);
        if (zero >= 0) {
            for (String line : text.substring(zero + 1).split("\n")) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    request.headers().add(line.substring(0, colon), line.substring(colon + 1));
                }
            }
        }
        RequestHead head = RequestHead.of(request, "192.0.2.1:1");
        assertNotNull(head.path());
        assertTrue(head.method().equals("GET"));
        assertNotNull(head.connectMode());
        head.contentLength();
        assertNotNull(head.toRequest(new byte[0]));
    }
}
