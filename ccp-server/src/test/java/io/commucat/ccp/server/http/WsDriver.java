package io.commucat.ccp.server.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;

/**
 * A WebSocket {@code /connect} seen from the client: raw frame bytes go up, server frames come
 * back. One per protocol (RFC 6455 on HTTP/1.1, RFC 8441 on HTTP/2), so every behaviour test
 * runs on both; {@link WsConnectClient} drives one for the transport-neutral test.
 */
interface WsDriver extends AutoCloseable {

    /** The response head's headers (lower-case names); the status line was 101 / 200. */
    Map<String, String> head();

    /** Sends raw bytes (one or more frames, or part of one). */
    void send(byte[] wire) throws IOException;

    /** The next server frame; fails after a bounded wait. */
    WsWire.Frame next() throws IOException;

    /** Whether the server ended the exchange (connection or stream closed) within a bounded wait. */
    boolean awaitClosed() throws InterruptedException;

    /** The payload of data frames until {@code n} bytes arrived (one message or many). */
    default byte[] receive(int n) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (out.size() < n) {
            WsWire.Frame frame = next();
            if (frame.opcode() != WsWire.BINARY && frame.opcode() != WsWire.CONTINUATION) {
                throw new IOException("expected a data frame, got opcode " + frame.opcode());
            }
            out.writeBytes(frame.payload());
        }
        return out.toByteArray();
    }

    /** Answers the server's Close as a client must (RFC 6455 §5.5.1): its own Close, then the end of its side. */
    default void answerClose() {
        try {
            send(WsWire.frame(true, WsWire.CLOSE, new byte[] {0x03, (byte) 0xe8}));
        } catch (IOException | RuntimeException e) {
            // The server may have closed already.
        }
    }

    @Override
    void close();
}
