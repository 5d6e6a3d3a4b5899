package io.commucat.ccp.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.server.admission.Admission;
import io.commucat.ccp.server.config.AddressRange;
import io.commucat.ccp.server.config.ServerConfig.RateLimit;
import io.commucat.ccp.server.config.ServerConfig.RateLimits;
import io.commucat.ccp.server.http.rest.RestResponse;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Client addresses behind a trusted proxy on a real listener: with 127.0.0.1 trusted the
 * {@code X-Forwarded-For} client is what every per-address limit counts and what endpoints and
 * sessions see; without trust the header changes nothing, so a spoofed one escapes no limit.
 * Small bursts in long windows keep the tests independent of timing.
 */
@Timeout(20)
class TrustedProxyTest {

    static final int HTTP_BURST = 2;
    static final int CONNECT_BURST = 1;
    static final Duration WINDOW = Duration.ofMinutes(1);
    static final String ALICE = "198.51.100.7";
    static final String BOB = "203.0.113.9";

    final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    TestServer server;

    /** A server whose own peer (the test client, 127.0.0.1) is a trusted proxy, or not. */
    private void start(boolean trustLoopback) throws Exception {
        RateLimit penalty = new RateLimit(HTTP_BURST, WINDOW, Duration.ofSeconds(30));
        RateLimits limits = new RateLimits(penalty, new RateLimit(CONNECT_BURST, WINDOW, Duration.ofSeconds(30)),
                penalty, penalty, 1_000, 1024, Duration.ofMinutes(1), 1,
                trustLoopback ? List.of(AddressRange.parse("127.0.0.1")) : List.of(), "x-forwarded-for");
        Admission admission = Admission.configured(limits, metrics);
        // /whoami answers the request's remote address as endpoints (and the ledger) see it.
        // A long PING interval: the held /connect stream must not hang on a busy machine's PING ACK.
        server = new TestServer(new EchoHandler(), b -> b.admission(admission).keepaliveInterval(Duration.ofSeconds(30))
                .routes(routes -> routes.get("/whoami",
                request -> CompletableFuture.completedFuture(RestResponse.text(200, "text/plain", request.remoteAddress())))));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static HttpClient client(HttpClient.Version version) throws Exception {
        return HttpClient.newBuilder().sslContext(TestTls.jdkClient("TLSv1.3")).version(version)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** The response head can reach the client just before the session is opened on the server's loop. */
    private void awaitOpens(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (server.echo.remoteAddresses.size() < n && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    private HttpResponse<String> whoami(HttpClient client, String forwardedFor) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri("/whoami")).timeout(Duration.ofSeconds(10));
        if (forwardedFor != null) {
            request.header("X-Forwarded-For", forwardedFor);
        }
        return client.send(request.build(), BodyHandlers.ofString());
    }

    @ParameterizedTest
    @EnumSource(HttpClient.Version.class)
    void behindATrustedProxyTwoForwardedClientsHaveSeparateBuckets(HttpClient.Version version) throws Exception {
        start(true);
        HttpClient client = client(version);
        for (int i = 0; i < HTTP_BURST; i++) {
            assertEquals(200, whoami(client, ALICE).statusCode(), "alice's request " + (i + 1));
        }
        assertEquals(429, whoami(client, ALICE).statusCode(), "alice is over her burst");

        HttpResponse<String> bob = whoami(client, BOB);

        assertEquals(200, bob.statusCode(), "bob, behind the same proxy, has a bucket of his own");
        assertEquals(BOB, bob.body());
    }

    @ParameterizedTest
    @EnumSource(HttpClient.Version.class)
    void withoutTrustASpoofedHeaderEscapesNoLimit(HttpClient.Version version) throws Exception {
        start(false);
        HttpClient client = client(version);
        for (int i = 0; i < HTTP_BURST; i++) {
            HttpResponse<String> response = whoami(client, ALICE);
            assertEquals(200, response.statusCode(), "request " + (i + 1));
            assertTrue(response.body().startsWith("/127.0.0.1:"), "the header is not the address: " + response.body());
        }

        assertEquals(429, whoami(client, BOB).statusCode(), "another header value is still the same peer");
    }

    @Test
    void aMalformedHeaderFromATrustedProxyCountsAsTheProxy() throws Exception {
        start(true);
        HttpClient client = client(HttpClient.Version.HTTP_2);

        HttpResponse<String> response = whoami(client, "198.51.100.7, not-an-address");

        assertEquals(200, response.statusCode());
        assertTrue(response.body().startsWith("/127.0.0.1:"), response.body());
    }

    @Test
    void aConnectBehindATrustedProxyCountsAndReportsTheForwardedClient() throws Exception {
        start(true);
        try (H2Client client = new H2Client(server.port())) {
            H2Client.Stream alice = client.open("POST", "/connect", true, Map.of("x-forwarded-for", ALICE));
            assertEquals("200", alice.head.get(5, TimeUnit.SECONDS).status().toString());
            H2Client.Stream aliceAgain = client.open("POST", "/connect", true, Map.of("x-forwarded-for", ALICE));
            assertEquals("429", aliceAgain.head.get(5, TimeUnit.SECONDS).status().toString());

            H2Client.Stream bob = client.open("POST", "/connect", true, Map.of("x-forwarded-for", BOB));

            assertEquals("200", bob.head.get(5, TimeUnit.SECONDS).status().toString());
        }
        awaitOpens(2);
        assertEquals(List.of(ALICE, BOB), server.echo.remoteAddresses, "the sessions see the forwarded clients");
    }

    @Test
    void anHttp11ConnectBehindATrustedProxyReportsTheForwardedClient() throws Exception {
        start(true);
        try (SSLSocket socket = (SSLSocket) TestTls.jdkClient("TLSv1.3").getSocketFactory()
                .createSocket("127.0.0.1", server.port())) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setApplicationProtocols(new String[] {"http/1.1"});
            socket.setSSLParameters(parameters);
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(("POST /connect HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
                    + "X-Forwarded-For: " + BOB + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();

            byte[] status = socket.getInputStream().readNBytes("HTTP/1.1 200".length());

            assertEquals("HTTP/1.1 200", new String(status, StandardCharsets.US_ASCII));
        }
        awaitOpens(1);
        assertEquals(List.of(BOB), server.echo.remoteAddresses);
    }
}
