package io.commucat.ccp.server.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;

/**
 * What a browser does with SSE or long-poll {@code /connect} (the JDK's {@code HttpClient} over
 * real TLS, HTTP/1.1 or HTTP/2; on HTTP/2 the POSTs share the stream's connection): opens a
 * response and reads it event by event or line by line, and sends companion POSTs (also those
 * of the transport-neutral test's clients, through {@link CompanionUpload}).
 */
final class BrowserClient {

    final HttpClient.Version version;
    private final HttpClient http;
    private final int port;

    BrowserClient(int port, HttpClient.Version version) throws Exception {
        this.port = port;
        this.version = version;
        this.http = HttpClient.newBuilder().sslContext(TestTls.jdkClient("TLSv1.3")).version(version)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    URI uri(String target) {
        return URI.create("https://127.0.0.1:" + port + target);
    }

    /** {@code GET target}; returns once the response head is in. */
    Response get(String target) throws Exception {
        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(uri(target)).GET()
                .timeout(Duration.ofSeconds(30)).build(), BodyHandlers.ofInputStream());
        return new Response(response);
    }

    /** A companion POST of raw bytes. */
    HttpResponse<String> post(String token, long sequence, byte[] body) throws Exception {
        return postAsync(token, Long.toString(sequence), "application/octet-stream", body).get();
    }

    /** A companion POST of base64 text. */
    HttpResponse<String> postBase64(String token, long sequence, byte[] body) throws Exception {
        return postAsync(token, Long.toString(sequence), "text/plain",
                Base64.getEncoder().encode(body)).get();
    }

    /** A POST as given; {@code sequence} null leaves the header out. */
    CompletableFuture<HttpResponse<String>> postAsync(String token, String sequence, String contentType, byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri("/connect/" + token))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).header("content-type", contentType)
                .timeout(Duration.ofSeconds(20));
        if (sequence != null) {
            request.header("x-upstream-seq", sequence);
        }
        return http.sendAsync(request.build(), BodyHandlers.ofString());
    }

    /** One streaming response, read as it arrives. */
    static final class Response implements AutoCloseable {
        final HttpResponse<InputStream> head;
        private final InputStream in;

        Response(HttpResponse<InputStream> head) {
            this.head = head;
            this.in = head.body();
        }

        String header(String name) {
            return head.headers().firstValue(name).orElse(null);
        }

        /** The body up to and including {@code terminator} (e.g. {@code "\n\n"} for an SSE event, {@code "\n"} for NDJSON). */
        String readUntil(String terminator) throws IOException {
            StringBuilder s = new StringBuilder();
            while (!s.toString().endsWith(terminator)) {
                int c = in.read();
                if (c < 0) {
                    throw new IOException("end of body after " + s.length() + " chars: " + s);
                }
                s.append((char) c);
            }
            return s.toString();
        }

        /** Everything left, until the server ends the response. */
        String readToEnd() throws IOException {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
