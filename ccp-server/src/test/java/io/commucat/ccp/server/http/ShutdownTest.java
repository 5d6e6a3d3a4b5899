package io.commucat.ccp.server.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.server.http.rest.RestResponse;
import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ShutdownTest {

    @Test
    void gracefulShutdownEndsConnectStreamsAndLetsRestFinish() throws Exception {
        Semaphore checkEntered = new Semaphore(0);
        Semaphore releaseCheck = new Semaphore(0);
        TestServer server = new TestServer(new EchoHandler(), b -> b.routes(r -> r.get("/test/slow",
                request -> CompletableFuture.supplyAsync(() -> {
                    checkEntered.release();
                    try {
                        boolean released = releaseCheck.tryAcquire(10, TimeUnit.SECONDS);
                        return RestResponse.json(200, ("{\"postgres\":\"" + (released ? "up" : "down") + "\"}")
                                .getBytes(StandardCharsets.UTF_8));
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }))));
        int port = server.port();
        try (H2Client client = new H2Client(port)) {
            H2Client.Stream connect = client.open("POST", "/connect", true);
            connect.head.get(5, TimeUnit.SECONDS);
            // One REST request in flight on each protocol, both stuck in a slow endpoint.
            // HTTP/2 with Netty's client: JDK 17's HttpClient fails in-flight streams on any GOAWAY.
            H2Client.Stream h2Rest = client.open("GET", "/test/slow", true);
            h2Rest.end();
            HttpClient http = HttpClient.newBuilder().sslContext(TestTls.jdkClient("TLSv1.3"))
                    .version(HttpClient.Version.HTTP_1_1).build();
            CompletableFuture<HttpResponse<String>> h1Rest = http.sendAsync(
                    HttpRequest.newBuilder(server.uri("/test/slow")).timeout(Duration.ofSeconds(15)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(checkEntered.tryAcquire(2, 5, TimeUnit.SECONDS));

            CompletableFuture<Void> stopped = CompletableFuture.runAsync(server::close);
            // The /connect stream is told and ends its response with a goodbye.
            assertTrue(server.echo.streams.get(0).shutdown.await(5, TimeUnit.SECONDS));
            connect.ended.get(5, TimeUnit.SECONDS);
            assertArrayEquals(EchoHandler.BYE, connect.body());
            assertEquals(0L, client.goAway.get(5, TimeUnit.SECONDS), "GOAWAY(NO_ERROR)");
            assertThrows(IOException.class, () -> new Socket("127.0.0.1", port).close(), "no longer accepting");
            Thread.sleep(200);
            assertFalse(stopped.isDone(), "waits for the requests in flight");

            releaseCheck.release(2);
            h2Rest.ended.get(5, TimeUnit.SECONDS);
            assertEquals("200", h2Rest.head.get().status().toString());
            assertTrue(new String(h2Rest.body(), StandardCharsets.UTF_8).contains("\"postgres\":\"up\""));
            HttpResponse<String> response = h1Rest.get(10, TimeUnit.SECONDS);
            assertEquals(200, response.statusCode());
            assertEquals("close", response.headers().firstValue("connection").orElse(""));
            assertTrue(response.body().contains("\"postgres\":\"up\""), response.body());
            stopped.get(10, TimeUnit.SECONDS);
        } finally {
            server.close();
        }
    }
}
