package io.commucat.ccp.server.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.commucat.ccp.proto.ControlJson;
import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.proto.FrameType;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** ccp-1.md §1.2's encodings, byte for byte. */
class DownstreamEncodingTest {

    static final byte[] WIRE = {0, 1, 2, (byte) 0xfb, (byte) 0xff};
    static final Frame KEY_UPDATE = Frame.control(FrameType.KEY_UPDATE, 4_294_967_295L, 42, ControlJson.object());

    private static String ascii(byte[] bytes) {
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    @Test
    void binaryIsTheWireBytesThemselvesWithoutPreambleOrKeepalive() {
        assertArrayEquals(WIRE, DownstreamEncoding.BINARY.encode(KEY_UPDATE, WIRE));
        assertNull(DownstreamEncoding.BINARY.preamble());
        assertNull(DownstreamEncoding.BINARY.keepalive());
    }

    @Test
    void sseIsAFrameEventWithTheSequenceAsIdAndStandardBase64() {
        assertEquals(":ready\n\n", ascii(DownstreamEncoding.SSE.preamble()));
        assertEquals("event: frame\nid: 42\ndata: AAEC+/8=\n\n", ascii(DownstreamEncoding.SSE.encode(KEY_UPDATE, WIRE)));
        assertEquals(":keepalive\n\n", ascii(DownstreamEncoding.SSE.keepalive()));
        assertEquals("event: upstream\ndata: tok_en-1\n\n", ascii(DownstreamEncoding.SSE.upstreamToken("tok_en-1")));
    }

    @Test
    void ndjsonIsOneObjectPerLineLabelledInLowerSnakeCase() {
        assertNull(DownstreamEncoding.NDJSON.preamble());
        assertEquals("{\"channel\":4294967295,\"sequence\":42,\"type\":\"key_update\",\"data\":\"AAEC+/8=\"}\n",
                ascii(DownstreamEncoding.NDJSON.encode(KEY_UPDATE, WIRE)));
        assertEquals("{\"keepalive\":true}\n", ascii(DownstreamEncoding.NDJSON.keepalive()));
        assertEquals("{\"upstream\":\"tok_en-1\"}\n", ascii(DownstreamEncoding.NDJSON.upstreamToken("tok_en-1")));
    }

    @Test
    void eachModeHasItsEncoding() {
        assertEquals(DownstreamEncoding.BINARY, DownstreamEncoding.of(ConnectMode.BINARY));
        assertEquals(DownstreamEncoding.SSE, DownstreamEncoding.of(ConnectMode.SSE));
        assertEquals(DownstreamEncoding.NDJSON, DownstreamEncoding.of(ConnectMode.LONG_POLL));
    }
}
