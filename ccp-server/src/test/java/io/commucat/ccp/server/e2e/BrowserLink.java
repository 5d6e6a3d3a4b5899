package io.commucat.ccp.server.e2e;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A device's byte pipe through a browser fallback (ccp-1.md §1.2–1.3), the way a browser drives
 * it with the JDK's {@code HttpClient}: upstream as companion POSTs numbered from 0, downstream
 * decoded from SSE {@code frame} events or NDJSON lines (long-poll, polling again with
 * {@code resume} and {@code after} whenever the server ends a poll). The device on top sees only
 * the bytes binary mode would carry. A reader thread per link.
 */
final class BrowserLink implements AutoCloseable {

    private static final Pattern NDJSON_FRAME = Pattern.compile(
            "\\{\"channel\":\\d+,\"sequence\":(\\d+),\"type\":\"[a-z_]+\",\"data\":\"([A-Za-z0-9+/=]*)\"}");

    private final HttpClient http;
    private final String base;
    private final LinkedBlockingQueue<byte[]> down = new LinkedBlockingQueue<>();
    private final Thread reader;
    private volatile String token;
    private volatile boolean closed;
    private volatile InputStream current;
    private long nextSeq;
    /** Long-poll: polls answered so far (the first included). */
    volatile int polls;

    private BrowserLink(int port, Path caPem, HttpClient.Version version, boolean sse) throws Exception {
        this.http = HttpClient.newBuilder().sslContext(trusting(caPem)).version(version)
                .connectTimeout(Duration.ofSeconds(5)).build();
        this.base = "https://127.0.0.1:" + port;
        InputStream first = open("/connect?mode=" + (sse ? "sse" : "long-poll") + "&upstream=1");
        if (sse) {
            expect(readUntil(first, "\n\n"), ":ready\n\n");
            String event = readUntil(first, "\n\n");
            token = event.substring("event: upstream\ndata: ".length(), event.length() - 2);
        } else {
            String line = readUntil(first, "\n");
            token = line.substring("{\"upstream\":\"".length(), line.length() - 3);
        }
        reader = new Thread(() -> read(first, sse), "browser-link-reader");
        reader.setDaemon(true);
        reader.start();
    }

    static BrowserLink sse(int port, Path caPem, HttpClient.Version version) throws Exception {
        return new BrowserLink(port, caPem, version, true);
    }

    static BrowserLink longPoll(int port, Path caPem, HttpClient.Version version) throws Exception {
        return new BrowserLink(port, caPem, version, false);
    }

    /** One POST of {@code bytes} (base64 every other time, to use both body forms); waits for its 204. */
    synchronized void send(byte[] bytes) throws Exception {
        boolean base64 = nextSeq % 2 == 1;
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/connect/" + token))
                .header("x-upstream-seq", Long.toString(nextSeq))
                .header("content-type", base64 ? "text/plain" : "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(base64 ? Base64.getEncoder().encode(bytes) : bytes))
                .timeout(Duration.ofSeconds(20)).build();
        HttpResponse<String> response = http.send(request, BodyHandlers.ofString());
        if (response.statusCode() != 204) {
            throw new AssertionError("POST seq " + nextSeq + " answered " + response.statusCode() + " " + response.body());
        }
        nextSeq++;
    }

    /** The bytes of the next server write. */
    byte[] receive() throws InterruptedException {
        byte[] bytes = down.poll(DeviceRun.WAIT_SECONDS, TimeUnit.SECONDS);
        if (bytes == null) {
            throw new AssertionError("no downstream write within " + DeviceRun.WAIT_SECONDS + " s");
        }
        return bytes;
    }

    private void read(InputStream first, boolean sse) {
        try {
            if (sse) {
                while (!closed) {
                    String event = readUntil(first, "\n\n");
                    if (event.startsWith("event: frame\n")) {
                        String data = event.substring(event.indexOf("data: ") + 6, event.length() - 2);
                        down.add(Base64.getDecoder().decode(data));
                    }
                }
                return;
            }
            long after = 0;
            InputStream poll = first;
            while (!closed) {
                polls++;
                String line;
                while ((line = readLineOrNull(poll)) != null) {
                    Matcher m = NDJSON_FRAME.matcher(line);
                    if (m.matches()) {
                        after = Long.parseLong(m.group(1));
                        down.add(Base64.getDecoder().decode(m.group(2)));
                    }
                }
                if (!closed) {
                    poll = open("/connect?mode=long-poll&resume=" + token + "&after=" + after);
                }
            }
        } catch (Exception e) {
            if (!closed) {
                down.add(new byte[0]); // wakes the device, which fails on it
            }
        }
    }

    private InputStream open(String target) throws Exception {
        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(URI.create(base + target)).GET()
                .timeout(Duration.ofSeconds(60)).build(), BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            throw new AssertionError(target + " answered " + response.statusCode());
        }
        current = response.body();
        return current;
    }

    private static String readUntil(InputStream in, String terminator) throws Exception {
        StringBuilder s = new StringBuilder();
        while (!s.toString().endsWith(terminator)) {
            int c = in.read();
            if (c < 0) {
                throw new java.io.EOFException("after " + s);
            }
            s.append((char) c);
        }
        return s.toString();
    }

    /** A line without its newline, or null at the end of the response. */
    private static String readLineOrNull(InputStream in) throws Exception {
        StringBuilder s = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                return null;
            }
            s.append((char) c);
        }
        return s.toString();
    }

    private static void expect(String got, String expected) {
        if (!got.equals(expected)) {
            throw new AssertionError("expected " + expected + " got " + got);
        }
    }

    private static SSLContext trusting(Path caPem) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(caPem)) {
            trust.setCertificateEntry("dev-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    @Override
    public void close() throws Exception {
        closed = true;
        InputStream in = current;
        if (in != null) {
            in.close();
        }
    }
}
