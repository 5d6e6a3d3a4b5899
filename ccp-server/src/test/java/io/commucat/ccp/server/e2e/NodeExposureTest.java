package io.commucat.ccp.server.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.commucat.ccp.client.transport.H2Connection;
import io.commucat.ccp.client.transport.H2Response;
import io.commucat.ccp.server.datadir.DataDirectory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What a node shows to anyone who connects (issue #15 §5), on a real node as {@code ccp serve}
 * starts it: {@code /metrics} only for the admin token (generated in the data directory, or
 * configured), {@code /healthz} and {@code /readyz} public, HSTS on every response, and TLS
 * sessions that a device reconnecting through the SDK's transport resumes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(30)
class NodeExposureTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONFIGURED = "configured-admin-token-0123456789";

    private MultiThreadIoEventLoopGroup clientLoops;
    private TestNode generated;
    private TestNode configured;

    @BeforeAll
    void start(@TempDir Path root) throws Exception {
        clientLoops = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("exposure-client", true),
                NioIoHandler.newFactory());
        generated = TestNode.start(new EmbeddedBackend(), root.resolve("generated"),
                Map.of("CCP_SECURITY_HTTP_HSTS_MAX_AGE", "600"), clientLoops);
        configured = TestNode.start(new EmbeddedBackend(), root.resolve("configured"),
                Map.of("CCP_ADMIN_TOKEN", CONFIGURED), clientLoops);
    }

    @AfterAll
    void stop() {
        for (TestNode node : new TestNode[] {configured, generated}) {
            if (node != null) {
                node.close();
            }
        }
        clientLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    private static HttpResponse<String> get(TestNode node, HttpClient.Version version, String path, String token)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://localhost:" + node.node.port() + path))
                .timeout(Duration.ofSeconds(10));
        if (token != null) {
            request.header("authorization", "Bearer " + token);
        }
        HttpClient client = HttpClient.newBuilder().version(version).sslContext(trusting(node)).build();
        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(version, response.version());
        return response;
    }

    /** A JDK client context that trusts the node's development CA. */
    private static SSLContext trusting(TestNode node) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream pem = Files.newInputStream(node.data.root().resolve(DataDirectory.DEV_CA_CERT))) {
            trust.setCertificateEntry("dev-ca", CertificateFactory.getInstance("X.509").generateCertificate(pem));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    private static void assertUnauthorizedProblem(HttpResponse<String> response) throws Exception {
        assertEquals(401, response.statusCode(), response.body());
        assertEquals(Optional.of("application/problem+json"), response.headers().firstValue("content-type"));
        assertEquals("Unauthorized", JSON.readTree(response.body()).get("title").asText());
    }

    private static String generatedToken(TestNode node) throws Exception {
        return Files.readString(node.data.root().resolve(DataDirectory.ADMIN_TOKEN)).strip();
    }

    @ParameterizedTest
    @EnumSource(HttpClient.Version.class)
    void metricsRefuseAnyoneWithoutTheGeneratedAdminToken(HttpClient.Version version) throws Exception {
        assertUnauthorizedProblem(get(generated, version, "/metrics", null));
        assertUnauthorizedProblem(get(generated, version, "/metrics", "not-the-admin-token-0123"));
        HttpResponse<String> ok = get(generated, version, "/metrics", generatedToken(generated));
        assertEquals(200, ok.statusCode());
        assertTrue(ok.body().contains("ccp_http_connections_open"), ok.body());
    }

    @Test
    void aConfiguredAdminTokenOverridesTheGeneratedOne() throws Exception {
        assertFalse(Files.exists(configured.data.root().resolve(DataDirectory.ADMIN_TOKEN)), "no file is made");
        assertEquals(200, get(configured, HttpClient.Version.HTTP_2, "/metrics", CONFIGURED).statusCode());
        assertUnauthorizedProblem(get(configured, HttpClient.Version.HTTP_2, "/metrics", generatedToken(generated)));
    }

    @ParameterizedTest
    @EnumSource(HttpClient.Version.class)
    void healthAndReadinessStayPublic(HttpClient.Version version) throws Exception {
        assertEquals(200, get(generated, version, "/healthz", null).statusCode());
        HttpResponse<String> ready = get(generated, version, "/readyz", null);
        assertEquals(200, ready.statusCode(), ready.body());
        JsonNode dependencies = JSON.readTree(ready.body()).get("dependencies");
        assertEquals("up", dependencies.get("h2").asText());
        assertEquals("up", dependencies.get("in-process").asText());
        assertEquals("up", dependencies.get("ledger").asText());
    }

    @ParameterizedTest
    @EnumSource(HttpClient.Version.class)
    void hstsCarriesTheConfiguredMaxAge(HttpClient.Version version) throws Exception {
        assertEquals(Optional.of("max-age=600"),
                get(generated, version, "/healthz", null).headers().firstValue("strict-transport-security"));
        assertEquals(Optional.of("max-age=600"),
                get(generated, version, "/metrics", null).headers().firstValue("strict-transport-security"));
        assertEquals(Optional.of("max-age=31536000"),
                get(configured, version, "/healthz", null).headers().firstValue("strict-transport-security"));
    }

    @Test
    void aDeviceReconnectingThroughTheSameTransportResumesItsTlsSession() throws Exception {
        double before = resumedHandshakes();
        // TestNode's transport already made (and read over) one connection: its ticket is in
        // the transport's TLS context, which every connect() of that transport shares.
        for (int i = 0; i < 3; i++) {
            H2Connection again = generated.newConnection();
            H2Response info = again.get("/api/server-info").get(10, TimeUnit.SECONDS);
            assertEquals(200, info.status());
            again.close();
        }
        assertEquals(before + 3, resumedHandshakes());
    }

    private double resumedHandshakes() throws Exception {
        String body = get(generated, HttpClient.Version.HTTP_2, "/metrics", generatedToken(generated)).body();
        Matcher m = Pattern.compile("(?m)^ccp_tls_handshakes_total\\{resumed=\"true\"} (\\S+)$").matcher(body);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
