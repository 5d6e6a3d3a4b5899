package io.commucat.ccp.server.http;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Long-poll {@code /connect} with the upstream companion and resume as one {@link ConnectClient}:
 * one poller thread opens a poll (a bodiless {@code GET} on a raw client of the protocol, a new
 * connection each), decodes its NDJSON lines into the downstream bytes, remembers the last
 * sequence, and when the server ends the poll opens the next with {@code resume=<token>&after=<it>}.
 * The test sees one continuous stream. The upload is companion POSTs and has no end of its own.
 *
 * <p>Pausing stops reading the open poll and opening the next, as a browser tab in the background
 * does: the server keeps what it wrote until a poll acknowledges it. The response is over when a
 * resume is answered 404 (the session ended and its last writes were fetched) or the server no
 * longer takes connections (it shut down: nothing is left to resume). Cutting drops the open poll
 * and polls no more.
 *
 * <p>Threading: {@link #send} from one thread at a time; the rest from any thread.
 */
final class LongPollConnectClient extends CompanionConnectClient {

    static final String FIRST = "/connect?mode=long-poll&upstream=1";
    private static final Pattern TOKEN = Pattern.compile("\\{\"upstream\":\"([A-Za-z0-9_-]+)\"}");
    private static final Pattern FRAME = Pattern.compile(
            "\\{\"channel\":\\d+,\"sequence\":(\\d+),\"type\":\"[a-z_]+\",\"data\":\"([A-Za-z0-9+/=]*)\"}");
    private static final String KEEPALIVE = "{\"keepalive\":true}";

    private final int port;
    private final HttpClient.Version version;
    private final CompletableFuture<Map<String, String>> head = new CompletableFuture<>();
    private final Object lock = new Object();
    /** Guarded by {@link #lock}. */
    private boolean paused;
    /** Guarded by {@link #lock}. */
    private ConnectClient poll;
    private volatile boolean stopped;
    /** How many polls were opened, the first included. */
    volatile int polls;

    private LongPollConnectClient(int port, HttpClient.Version version) throws Exception {
        super(new CompanionUpload(port, version));
        this.port = port;
        this.version = version;
        Thread poller = new Thread(this::pollLoop, "test-long-poller");
        poller.setDaemon(true);
        poller.start();
    }

    /** A new long-poll {@code /connect}; each poll on a connection of {@code version} of its own. */
    static LongPollConnectClient open(int port, HttpClient.Version version) throws Exception {
        return new LongPollConnectClient(port, version);
    }

    /** The first poll's head. */
    @Override
    public CompletableFuture<Map<String, String>> head() {
        return head;
    }

    /** The open poll is dropped and none follows: the browser left. */
    @Override
    public void cut() throws Exception {
        stopped = true;
        synchronized (lock) {
            lock.notifyAll();
            if (poll != null) {
                poll.cut();
            }
        }
    }

    @Override
    public void pauseReading() {
        synchronized (lock) {
            paused = true;
            if (poll != null) {
                poll.pauseReading();
            }
        }
    }

    @Override
    public void resumeReading() {
        synchronized (lock) {
            paused = false;
            lock.notifyAll();
            if (poll != null) {
                poll.resumeReading();
            }
        }
    }

    @Override
    public void close() {
        stopped = true;
        synchronized (lock) {
            lock.notifyAll();
            if (poll != null) {
                poll.close();
            }
        }
    }

    private void pollLoop() {
        String target = FIRST;
        long after = 0;
        try {
            while (!stopped) {
                ConnectClient current;
                try {
                    current = version == HttpClient.Version.HTTP_2
                            ? H2ConnectClient.get(port, target) : H1ChunkedConnectClient.get(port, target);
                } catch (Exception e) { // Netty's client rethrows its connect failure as it is
                    // Refused: the server is gone, and the session with it.
                    ended.complete(null);
                    return;
                }
                polls++;
                synchronized (lock) {
                    poll = current;
                    if (paused) {
                        current.pauseReading();
                    }
                }
                Map<String, String> fields = current.head().get(10, TimeUnit.SECONDS);
                head.complete(fields);
                if (fields.get(":status").equals("404")) {
                    current.close();
                    ended.complete(null);
                    return;
                }
                after = drain(current, after);
                current.close();
                synchronized (lock) {
                    while (paused && !stopped) {
                        lock.wait();
                    }
                }
                target = "/connect?mode=long-poll&resume=" + upload.token() + "&after=" + after;
            }
        } catch (Exception | Error e) {
            // The test is over, or a poll broke: ended() stays incomplete.
        }
    }

    /** Decodes one poll until the server ended it; returns the last sequence it carried. */
    private long drain(ConnectClient current, long after) throws InterruptedException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (!stopped) {
            // The end is checked before the queue: the raw client queues its last bytes first.
            boolean over = current.ended().isDone();
            byte[] piece = current.downstream().poll(100, TimeUnit.MILLISECONDS);
            if (piece == null) {
                if (over) {
                    break;
                }
                continue;
            }
            for (byte b : piece) {
                if (b != '\n') {
                    line.write(b);
                    continue;
                }
                after = onLine(line.toString(StandardCharsets.US_ASCII), after);
                line.reset();
            }
        }
        return after;
    }

    private long onLine(String text, long after) {
        Matcher frame = FRAME.matcher(text);
        if (frame.matches()) {
            long sequence = Long.parseLong(frame.group(1));
            if (sequence > after) { // a repeat of what an earlier poll carried is not new
                downstream.add(Base64.getDecoder().decode(frame.group(2)));
                return sequence;
            }
            return after;
        }
        Matcher token = TOKEN.matcher(text);
        if (token.matches()) {
            upload.token(token.group(1));
        } else if (!text.equals(KEEPALIVE)) {
            throw new IllegalStateException("unexpected poll line " + text);
        }
        return after;
    }
}
