package io.commucat.ccp.server.http;

import io.commucat.ccp.proto.Frame;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * How a {@code /connect} response body carries what the session writes (ccp-1.md §1.2): binary
 * as it is, SSE events and NDJSON lines as base64 labelled from the frame in clear. Stateless;
 * any thread.
 */
enum DownstreamEncoding {

    BINARY {
        @Override
        byte[] encode(Frame frame, byte[] wireBytes) {
            return wireBytes;
        }

        @Override
        byte[] preamble() {
            return null;
        }

        @Override
        byte[] keepalive() {
            return null;
        }

        @Override
        byte[] upstreamToken(String token) {
            throw new IllegalStateException("binary mode has no upstream companion");
        }
    },

    SSE {
        @Override
        byte[] encode(Frame frame, byte[] wireBytes) {
            return ascii("event: frame\nid: " + frame.sequence() + "\ndata: " + BASE64.encodeToString(wireBytes) + "\n\n");
        }

        @Override
        byte[] preamble() {
            return SSE_READY;
        }

        @Override
        byte[] keepalive() {
            return SSE_KEEPALIVE;
        }

        @Override
        byte[] upstreamToken(String token) {
            return ascii("event: upstream\ndata: " + token + "\n\n");
        }
    },

    NDJSON {
        @Override
        byte[] encode(Frame frame, byte[] wireBytes) {
            // Every value is a number, a fixed label or base64: nothing needs JSON escaping.
            return ascii("{\"channel\":" + frame.channelId() + ",\"sequence\":" + frame.sequence() + ",\"type\":\""
                    + frame.type().label() + "\",\"data\":\"" + BASE64.encodeToString(wireBytes) + "\"}\n");
        }

        @Override
        byte[] preamble() {
            return null;
        }

        @Override
        byte[] keepalive() {
            return NDJSON_KEEPALIVE;
        }

        @Override
        byte[] upstreamToken(String token) {
            // Tokens are base64url (UpstreamTokens): no JSON escaping needed either.
            return ascii("{\"upstream\":\"" + token + "\"}\n");
        }
    };

    private static final Base64.Encoder BASE64 = Base64.getEncoder();
    private static final byte[] SSE_READY = ascii(":ready\n\n");
    private static final byte[] SSE_KEEPALIVE = ascii(":keepalive\n\n");
    private static final byte[] NDJSON_KEEPALIVE = ascii("{\"keepalive\":true}\n");

    /** The body bytes for one session write; binary returns {@code wireBytes} itself. */
    abstract byte[] encode(Frame frame, byte[] wireBytes);

    /** What the body starts with, or {@code null}. Shared: never modify. */
    abstract byte[] preamble();

    /**
     * What is written when nothing was for a keepalive interval, or {@code null} (binary: HTTP/2
     * PINGs do that job). Shared: never modify.
     */
    abstract byte[] keepalive();

    /** The companion's control event (rest.md "Connect upstream companion"), before any frame. */
    abstract byte[] upstreamToken(String token);

    static DownstreamEncoding of(ConnectMode mode) {
        return switch (mode) {
            case SSE -> SSE;
            case LONG_POLL -> NDJSON;
            default -> BINARY;
        };
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
