package io.commucat.ccp.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.commucat.ccp.server.http.rest.Json;
import io.commucat.ccp.server.http.rest.RestResponse;
import java.io.ByteArrayInputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The REST surface over HTTP/2 and HTTP/1.1 with the JDK's HttpClient. */
@Timeout(20)
class RestTest {

    static final String ADMIN = "test-admin-token-0123456789";
    static final AtomicBoolean redisUp = new AtomicBoolean(true);
    static final List<String> checkThreads = new CopyOnWriteArrayList<>();
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new TestServer(new EchoHandler(), b -> b
                .adminToken(Optional.of(ADMIN))
                .readinessInterval(Duration.ofMillis(50))
                .serverInfo(() -> Map.of("domain", "test.example", "supported_versions", List.of(1)))
                .readinessCheck("postgres", () -> {
                    checkThreads.add(Thread.currentThread().getName());
                    return true;
                })
                .readinessCheck("redis", () -> {
                    checkThreads.add(Thread.currentThread().getName());
                    return redisUp.get();
                })
                .routes(r -> r.post("/test/length", request -> CompletableFuture.completedFuture(
                        RestResponse.json(200, ("{\"length\":" + request.body().length + "}").getBytes(StandardCharsets.UTF_8))))
                        .delete("/test/no-content", request -> CompletableFuture.completedFuture(RestResponse.noContent()))));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpClient client(HttpClient.Version version) throws Exception {
        return HttpClient.newBuilder().sslContext(TestTls.jdkClient("TLSv1.3")).version(version)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    private static HttpResponse<String> send(HttpClient.Version version, HttpRequest.Builder request) throws Exception {
        HttpResponse<String> response = client(version).send(request.timeout(Duration.ofSeconds(10)).build(),
                BodyHandlers.ofString());
        assertEquals(version, response.version());
        assertEquals(Optional.of("no-store"), response.headers().firstValue("cache-control"), "cache-control on every response");
        return response;
    }

    private static HttpResponse<String> get(HttpClient.Version version, String path) throws Exception {
        return send(version, HttpRequest.newBuilder(server.uri(path)).GET());
    }

    private static JsonNode problem(HttpResponse<String> response, int status, String title) throws Exception {
        assertEquals(status, response.statusCode());
        assertEquals(Optional.of("application/problem+json"), response.headers().firstValue("content-type"));
        JsonNode body = Json.mapper().readTree(response.body());
        assertEquals("about:blank", body.get("type").asText());
        assertEquals(title, body.get("title").asText());
        assertEquals(status, body.get("status").asInt());
        assertTrue(body.hasNonNull("detail"));
        return body;
    }

    @ParameterizedTest
    @EnumSource(HttpClient.Version.class)
    void healthz(HttpClient.Version version) throws Exception {
        HttpResponse<String> response = get(version, "/healthz");
        assertEquals(200, response.statusCode());
        assertEquals(Optional.of("application/json"), response.headers().firstValue("content-type"));
        JsonNode body = Json.mapper().readTree(response.body());
        assertEquals("healthy", body.get("status").asText());
        assertTrue(body.get("uptime_seconds").isIntegralNumber());
        assertEquals("test", body.get("version").asText());
    }

    @ParameterizedTest
    @EnumSource(HttpClient.Version.class)
    void everyResponseCarriesHstsForOneYear(HttpClient.Version version) throws Exception {
        for (HttpResponse<String> response : List.of(get(version, "/healthz"), get(version, "/nope"), get(version, "/metrics"),
                send(version, HttpRequest.newBuilder(server.uri("/healthz")).PUT(BodyPublishers.ofString("{}"))))) {
            assertEquals(Optional.of("max-age=31536000"), response.headers().firstValue("strict-transport-security"),
                    response.statusCode() + " " + response.uri());
        }
    }

    @Test
    void connectResponseCarriesHsts() throws Exception {
        try (TestServer own = new TestServer(); H2Client client = new H2Client(own.port())) {
            H2Client.Stream connect = client.open("POST", "/connect", true);
            assertEquals("max-age=31536000", connect.head.get(5, TimeUnit.SECONDS).get("strict-transport-security").toString());
        }
    }

    @ParameterizedTest
    @EnumSource(HttpClient.Version.class)
    void noContentCarriesNeitherContentTypeNorLength(HttpClient.Version version) throws Exception {
        HttpResponse<String> response = send(version, HttpRequest.newBuilder(server.uri("/test/no-content")).DELETE());

        assertEquals(204, response.statusCode());
        assertEquals("", response.body());
        assertEquals(Optional.empty(), response.headers().firstValue("content-type"));
        assertEquals(Optional.empty(), response.headers().firstValue("content-length"));
    }

    @ParameterizedTest
    @EnumSource(HttpClient.Version.class)
    void unknownRouteIs404(HttpClient.Version version) throws Exception {
        problem(get(version, "/nope?x=1"), 404, "NotFound");
    }

    @ParameterizedTest
    @EnumSource(HttpClient.Version.class)
    void wrongMethodIs405(HttpClient.Version version) throws Exception {
        HttpResponse<String> response = send(version,
                HttpRequest.newBuilder(server.uri("/healthz")).PUT(BodyPublishers.ofString("{}")));
        problem(response, 405, "MethodNotAllowed");
        assertEquals(Optional.of("GET"), response.headers().firstValue("allow"));
    }

    @ParameterizedTest
    @EnumSource(HttpClient.Version.class)
    void bodyUpToOneMebibyteIsAccepted(HttpClient.Version version) throws Exception {
        HttpResponse<String> response = send(version, HttpRequest.newBuilder(server.uri("/test/length"))
                .POST(BodyPublishers.ofByteArray(new byte[1_048_576])));
        assertEquals(200, response.statusCode());
        assertEquals(1_048_576, Json.mapper().readTree(response.body()).get("length").asInt());
    }

    @Test
    void declaredBodyOverOneMebibyteIs413OverHttp2() throws Exception {
        problem(send(HttpClient.Version.HTTP_2, HttpRequest.newBuilder(server.uri("/test/length"))
                .POST(BodyPublishers.ofByteArray(new byte[1_048_577]))), 413, "PayloadTooLarge");
    }

    @Test
    void declaredBodyOverOneMebibyteIs413OverHttp11BeforeTheBody() throws Exception {
        // By hand: JDK 17's HttpClient hangs on Expect: 100-continue answered with a final status.
        try (SSLSocket socket = (SSLSocket) TestTls.jdkClient("TLSv1.3").getSocketFactory()
                .createSocket("127.0.0.1", server.port())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(("POST /test/length HTTP/1.1\r\nHost: x\r\nContent-Length: 1048577\r\n"
                    + "Expect: 100-continue\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(response.startsWith("HTTP/1.1 413 Request Entity Too Large\r\n"), response);
            assertTrue(response.contains("cache-control: no-store\r\n"), response);
            assertTrue(response.contains("connection: close\r\n"), response);
            assertTrue(response.contains("\"title\":\"PayloadTooLarge\""), response);
        }
    }

    @Test
    void streamedBodyOverOneMebibyteIs413OverHttp2() throws Exception {
        // No content-length: the limit trips while the body streams in.
        problem(send(HttpClient.Version.HTTP_2, HttpRequest.newBuilder(server.uri("/test/length"))
                .POST(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[1_048_577])))),
                413, "PayloadTooLarge");
    }

    /** Polls {@code /readyz} until it answers {@code status} (the probes run in the background). */
    private static HttpResponse<String> readyzUntil(HttpClient.Version version, int status) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            HttpResponse<String> response = get(version, "/readyz");
            if (response.statusCode() == status || System.nanoTime() > deadline) {
                return response;
            }
            Thread.sleep(20);
        }
    }

    @ParameterizedTest
    @EnumSource(HttpClient.Version.class)
    void readyzAnswersFromBackgroundChecksRunOffTheEventLoop(HttpClient.Version version) throws Exception {
        redisUp.set(true);
        HttpResponse<String> up = readyzUntil(version, 200);
        assertEquals(200, up.statusCode());
        JsonNode body = Json.mapper().readTree(up.body());
        assertEquals("ready", body.get("status").asText());
        assertEquals("up", body.get("dependencies").get("postgres").asText());
        assertEquals("up", body.get("dependencies").get("redis").asText());

        redisUp.set(false);
        HttpResponse<String> down = readyzUntil(version, 503);
        assertEquals(503, down.statusCode());
        body = Json.mapper().readTree(down.body());
        assertEquals("not_ready", body.get("status").asText());
        assertEquals("up", body.get("dependencies").get("postgres").asText());
        assertEquals("down", body.get("dependencies").get("redis").asText());

        redisUp.set(true);
        assertEquals(200, readyzUntil(version, 200).statusCode(), "up again once the check passes");
        assertFalse(checkThreads.isEmpty());
        assertTrue(checkThreads.stream().noneMatch(t -> t.startsWith(EventLoops.THREAD_PREFIX)), checkThreads.toString());
    }

    @Test
    void eachDependencysStateIsAGaugeOnMetrics() throws Exception {
        redisUp.set(false);
        try {
            readyzUntil(HttpClient.Version.HTTP_2, 503);
            String metrics = send(HttpClient.Version.HTTP_2, HttpRequest.newBuilder(server.uri("/metrics"))
                    .header("authorization", "Bearer " + ADMIN)).body();
            assertTrue(metrics.contains("ccp_dependency_up{dependency=\"redis\"} 0.0"), metrics);
            assertTrue(metrics.contains("ccp_dependency_up{dependency=\"postgres\"} 1.0"), metrics);
        } finally {
            redisUp.set(true);
        }
    }

    @Test
    void readyzAnswers503WithinASecondWhileACheckHangs() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger probesInFlight = new AtomicInteger();
        AtomicInteger mostInFlight = new AtomicInteger();
        try (TestServer hanging = new TestServer(new EchoHandler(), b -> b
                .readinessCheck("postgres", () -> {
                    mostInFlight.accumulateAndGet(probesInFlight.incrementAndGet(), Math::max);
                    try {
                        return release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        return false;
                    } finally {
                        probesInFlight.decrementAndGet();
                    }
                })
                .readinessCheck("redis", () -> true)
                .readinessTimeout(Duration.ofMillis(200))
                .readinessInterval(Duration.ofMillis(50)))) {
            for (HttpClient.Version version : HttpClient.Version.values()) {
                // The request itself times out after one second: today's answer took five.
                HttpResponse<String> response = client(version).send(HttpRequest.newBuilder(hanging.uri("/readyz"))
                        .timeout(Duration.ofSeconds(1)).build(), BodyHandlers.ofString());
                assertEquals(503, response.statusCode(), response.body());
                JsonNode body = Json.mapper().readTree(response.body());
                assertEquals("down", body.get("dependencies").get("postgres").asText());
                assertEquals("up", body.get("dependencies").get("redis").asText());
            }
            Thread.sleep(300);
            assertEquals(1, mostInFlight.get(), "a hanging dependency is never probed twice at once");
            release.countDown();
        }
    }

    @ParameterizedTest
    @EnumSource(HttpClient.Version.class)
    void metricsNeedTheAdminToken(HttpClient.Version version) throws Exception {
        problem(get(version, "/metrics"), 401, "Unauthorized");
        problem(send(version, HttpRequest.newBuilder(server.uri("/metrics")).header("authorization", "Bearer wrong")),
                401, "Unauthorized");
        HttpResponse<String> response = send(version,
                HttpRequest.newBuilder(server.uri("/metrics")).header("authorization", "Bearer " + ADMIN));
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("content-type").orElseThrow().startsWith("text/plain"));
        assertTrue(response.body().contains("ccp_http_connections_open"), response.body());
        assertTrue(response.body().contains("ccp_connect_sessions_open"));
        assertTrue(response.body().contains("ccp_http2_streams_open"));
        assertTrue(response.body().contains("ccp_http_requests_total{route=\"unmatched\",status=\"404\"}")
                || response.body().contains("ccp_http_requests_total{route=\"/metrics\",status=\"401\"}"));
    }

    @Test
    void metricsOfAServerWithoutAnyAdminTokenAreClosedToEveryone() throws Exception {
        try (TestServer tokenless = new TestServer()) {
            HttpResponse<String> response = client(HttpClient.Version.HTTP_2).send(
                    HttpRequest.newBuilder(tokenless.uri("/metrics")).header("authorization", "Bearer anything-at-all")
                            .timeout(Duration.ofSeconds(10)).build(), BodyHandlers.ofString());
            problem(response, 401, "Unauthorized");
        }
    }

    @ParameterizedTest
    @EnumSource(HttpClient.Version.class)
    void serverInfo(HttpClient.Version version) throws Exception {
        HttpResponse<String> response = get(version, "/api/server-info");
        assertEquals(200, response.statusCode());
        assertEquals("test.example", Json.mapper().readTree(response.body()).get("domain").asText());
    }

    @ParameterizedTest
    @EnumSource(HttpClient.Version.class)
    void aWebsocketModeWithoutItsHandshakeIsRefusedAndOpensNoSession(HttpClient.Version version) throws Exception {
        if (version == HttpClient.Version.HTTP_1_1) {
            problem(get(version, "/connect?mode=websocket"), 426, "UpgradeRequired");
        } else {
            problem(get(version, "/connect?mode=websocket"), 400, "BadRequest");
        }
        problem(send(version, HttpRequest.newBuilder(server.uri("/connect")).DELETE()), 405, "MethodNotAllowed");
        assertFalse(server.echo.streams.stream().findAny().isPresent(), "no session opened for those");
    }
}
