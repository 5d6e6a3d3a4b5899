package io.commucat.ccp.server.http;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * SSE {@code /connect} with the upstream companion as a {@link ConnectClient}: the event stream is
 * a bodiless {@code GET /connect?mode=sse&upstream=1} on a raw client of the protocol (so pausing
 * it holds the server back by the stream's window or TCP, as a browser that stops reading does),
 * decoded by one thread: {@code :ready} and keepalive comments skipped, the {@code upstream}
 * event's token handed to the {@link CompanionUpload}, each {@code frame} event's base64 decoded
 * into the downstream bytes. The upload is companion POSTs: it has no end of its own.
 *
 * <p>Threading: {@link #send} from one thread at a time; the rest from any thread.
 */
final class SseConnectClient extends CompanionConnectClient {

    static final String TARGET = "/connect?mode=sse&upstream=1";

    private final ConnectClient events;
    private volatile boolean closed;

    private SseConnectClient(ConnectClient events, CompanionUpload upload) {
        super(upload);
        this.events = events;
        Thread decoder = new Thread(this::decodeLoop, "test-sse-decoder");
        decoder.setDaemon(true);
        decoder.start();
    }

    /** A new SSE {@code /connect} on its own connection of {@code version}; POSTs go on another. */
    static SseConnectClient open(int port, HttpClient.Version version) throws Exception {
        ConnectClient events = version == HttpClient.Version.HTTP_2
                ? H2ConnectClient.get(port, TARGET) : H1ChunkedConnectClient.get(port, TARGET);
        try {
            return new SseConnectClient(events, new CompanionUpload(port, version));
        } catch (Exception | Error e) {
            events.close();
            throw e;
        }
    }

    @Override
    public CompletableFuture<Map<String, String>> head() {
        return events.head();
    }

    /** The event stream goes away (RST_STREAM, a closed connection): the browser left. */
    @Override
    public void cut() throws Exception {
        closed = true;
        events.cut();
    }

    @Override
    public void pauseReading() {
        events.pauseReading();
    }

    @Override
    public void resumeReading() {
        events.resumeReading();
    }

    @Override
    public void close() {
        closed = true;
        events.close();
    }

    private void decodeLoop() {
        ByteArrayOutputStream event = new ByteArrayOutputStream();
        byte previous = 0;
        try {
            while (!closed) {
                // The end is checked before the queue: the raw client queues its last bytes first.
                boolean over = events.ended().isDone();
                byte[] piece = events.downstream().poll(100, TimeUnit.MILLISECONDS);
                if (piece == null) {
                    if (over) {
                        ended.complete(null);
                        return;
                    }
                    continue;
                }
                for (byte b : piece) {
                    event.write(b);
                    if (b == '\n' && previous == '\n') {
                        onEvent(event.toString(StandardCharsets.US_ASCII));
                        event.reset();
                        b = 0;
                    }
                    previous = b;
                }
            }
        } catch (InterruptedException | RuntimeException e) {
            // The test is over, or the stream was not SSE: ended() stays incomplete.
        }
    }

    /** One event, blank line included. */
    private void onEvent(String text) {
        String name = null;
        String data = null;
        for (String line : text.split("\n")) {
            if (line.startsWith("event: ")) {
                name = line.substring("event: ".length());
            } else if (line.startsWith("data: ")) {
                data = line.substring("data: ".length());
            }
        }
        if ("upstream".equals(name)) {
            upload.token(data);
        } else if ("frame".equals(name)) {
            downstream.add(Base64.getDecoder().decode(data));
        } else if (name != null) {
            throw new IllegalStateException("unexpected SSE event " + name);
        } // else a comment: :ready, :keepalive
    }
}
