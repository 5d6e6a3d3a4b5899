package io.commucat.ccp.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.commucat.ccp.server.admission.Admission;
import io.commucat.ccp.server.admission.ClientAddress;
import io.commucat.ccp.server.config.ServerConfig.RateLimit;
import io.commucat.ccp.server.config.ServerConfig.RateLimits;
import io.commucat.ccp.server.http.rest.Json;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The per-address limits of rest.md "Rate limits" on a real listener, over HTTP/2 and HTTP/1.1.
 * Small bursts in long windows keep the tests independent of timing.
 */
@Timeout(20)
class RateLimitTest {

    static final int HTTP_BURST = 3;
    static final int CONNECT_BURST = 2;
    static final int MAX_CONNECTIONS = 3;
    static final Duration WINDOW = Duration.ofMinutes(1);

    final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    TestServer server;
    Admission admission;

    /** A server whose limits are the small ones above; the penalty is what Retry-After reports. */
    private TestServer start(Duration penalty) throws Exception {
        return start(penalty, 1_000);
    }

    private TestServer start(Duration penalty, int maxConnections) throws Exception {
        RateLimits limits = new RateLimits(new RateLimit(HTTP_BURST, WINDOW, penalty),
                new RateLimit(CONNECT_BURST, WINDOW, penalty), new RateLimit(5, WINDOW, penalty),
                new RateLimit(5, WINDOW, penalty), maxConnections, 1024, Duration.ofMinutes(1), 1);
        admission = Admission.configured(limits, metrics);
        server = new TestServer(new EchoHandler(), b -> b.admission(admission));
        return server;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private String scrape() {
        return metrics.scrape();
    }

    private static HttpClient client(HttpClient.Version version) throws Exception {
        return HttpClient.newBuilder().sslContext(TestTls.jdkClient("TLSv1.3")).version(version)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    @ParameterizedTest
    @EnumSource(HttpClient.Version.class)
    void aRestRequestOverTheBurstIs429WithRetryAfterAndAProblem(HttpClient.Version version) throws Exception {
        start(Duration.ofSeconds(10));
        HttpClient client = client(version);
        HttpRequest healthz = HttpRequest.newBuilder(server.uri("/healthz")).timeout(Duration.ofSeconds(10)).build();
        for (int i = 0; i < HTTP_BURST; i++) {
            assertEquals(200, client.send(healthz, BodyHandlers.ofString()).statusCode(), "request " + (i + 1));
        }

        HttpResponse<String> refused = client.send(healthz, BodyHandlers.ofString());

        assertEquals(version, refused.version());
        assertEquals(429, refused.statusCode());
        assertEquals(Optional.of("application/problem+json"), refused.headers().firstValue("content-type"));
        assertEquals(Optional.of("no-store"), refused.headers().firstValue("cache-control"));
        long retryAfter = Long.parseLong(refused.headers().firstValue("retry-after").orElseThrow());
        assertTrue(retryAfter >= 9 && retryAfter <= 10, "Retry-After is the penalty left: " + retryAfter);
        JsonNode problem = Json.mapper().readTree(refused.body());
        assertEquals("TooManyRequests", problem.get("title").asText());
        assertEquals(429, problem.get("status").asInt());
        assertEquals("about:blank", problem.get("type").asText());
        assertTrue(problem.get("detail").asText().contains("http"), problem::toString);
        assertTrue(scrape().contains("ccp_rate_limited_total{limit=\"http\"} 1.0"), this::scrape);
    }

    @Test
    void whileBlockedEveryRouteIsRefusedAndTheBlockIsNotExtended() throws Exception {
        start(Duration.ofSeconds(30));
        HttpClient client = client(HttpClient.Version.HTTP_2);
        List<Integer> statuses = new ArrayList<>();
        List<Long> retryAfter = new ArrayList<>();
        for (String path : List.of("/healthz", "/healthz", "/nope", "/healthz", "/api/server-info", "/nope")) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(server.uri(path)).build(), BodyHandlers.ofString());
            statuses.add(r.statusCode());
            r.headers().firstValue("retry-after").ifPresent(v -> retryAfter.add(Long.parseLong(v)));
        }
        assertEquals(List.of(200, 200, 404, 429, 429, 429), statuses);
        assertTrue(retryAfter.stream().allMatch(s -> s <= 30 && s >= 28), retryAfter::toString);
    }

    @Test
    void aConnectOverTheBurstIs429OverHttp2AndOpensNoSession() throws Exception {
        start(Duration.ofSeconds(30));
        try (H2Client client = new H2Client(server.port())) {
            for (int i = 0; i < CONNECT_BURST; i++) {
                H2Client.Stream admitted = client.open("POST", "/connect", true);
                assertEquals("200", admitted.head.get(5, TimeUnit.SECONDS).status().toString());
            }
            H2Client.Stream refused = client.open("POST", "/connect", true);

            Http2Headers head = refused.head.get(5, TimeUnit.SECONDS);
            assertEquals("429", head.status().toString());
            assertEquals("application/problem+json", head.get("content-type").toString());
            assertEquals("30", head.get("retry-after").toString());
            refused.closed.get(5, TimeUnit.SECONDS);
            assertTrue(new String(refused.body(), StandardCharsets.UTF_8).contains("\"title\":\"TooManyRequests\""));
        }
        assertEquals(CONNECT_BURST, server.echo.streams.size(), "the refused /connect opened no session");
        assertTrue(scrape().contains("ccp_rate_limited_total{limit=\"connect\"} 1.0"), this::scrape);
    }

    @Test
    void aConnectOverTheBurstIs429OverHttp11AndTheConnectionCloses() throws Exception {
        start(Duration.ofSeconds(30));
        List<SSLSocket> admitted = new ArrayList<>();
        try {
            for (int i = 0; i < CONNECT_BURST; i++) {
                SSLSocket socket = http1Connect();
                assertTrue(readHead(socket.getInputStream()).startsWith("HTTP/1.1 200 "));
                admitted.add(socket);
            }
            try (SSLSocket socket = http1Connect()) {
                String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(response.startsWith("HTTP/1.1 429 Too Many Requests\r\n"), response);
                assertTrue(response.contains("retry-after: 30\r\n"), response);
                assertTrue(response.contains("connection: close\r\n"), response);
                assertTrue(response.contains("content-type: application/problem+json\r\n"), response);
                assertTrue(response.contains("\"title\":\"TooManyRequests\""), response);
            }
        } finally {
            for (SSLSocket socket : admitted) {
                socket.close();
            }
        }
        assertEquals(CONNECT_BURST, server.echo.streams.size(), "the refused /connect opened no session");
    }

    @Test
    void connectionsOverThePerAddressCapAreClosedBeforeTls() throws Exception {
        start(Duration.ofSeconds(10), MAX_CONNECTIONS);
        List<SSLSocket> held = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_CONNECTIONS; i++) {
                held.add(tlsConnection());
            }
            assertThrows(IOException.class, this::tlsConnection, "the connection over the cap is closed");
            assertTrue(scrape().contains("ccp_rate_limited_total{limit=\"connections\"} 1.0"), this::scrape);

            // Closing one makes room again: the cap counts open connections, not attempts.
            held.remove(0).close();
            ClientAddress local = ClientAddress.of(InetAddress.getByName("127.0.0.1"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (admission.connections().openConnections(local) >= MAX_CONNECTIONS && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            held.add(tlsConnection());
        } finally {
            for (SSLSocket socket : held) {
                socket.close();
            }
        }
    }

    /** A TLS 1.3 connection with its handshake done (the server answered). */
    private SSLSocket tlsConnection() throws Exception {
        SSLSocket socket = (SSLSocket) TestTls.jdkClient("TLSv1.3").getSocketFactory()
                .createSocket("127.0.0.1", server.port());
        try {
            socket.setSoTimeout(5_000);
            socket.startHandshake();
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    private SSLSocket http1Connect() throws Exception {
        SSLSocket socket = (SSLSocket) TestTls.jdkClient("TLSv1.3").getSocketFactory()
                .createSocket("127.0.0.1", server.port());
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setApplicationProtocols(new String[] {"http/1.1"});
        socket.setSSLParameters(parameters);
        socket.setSoTimeout(5_000);
        socket.getOutputStream().write(("POST /connect HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return socket;
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        return head.toString();
    }
}
