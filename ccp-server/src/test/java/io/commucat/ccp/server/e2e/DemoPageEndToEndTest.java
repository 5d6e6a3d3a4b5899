package io.commucat.ccp.server.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.client.transport.H2Response;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code /demo}: the page and the JavaScript client's bundle, served by a real node from its classpath. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class DemoPageEndToEndTest {

    private E2eNodes nodes;
    private TestNode node;

    @BeforeAll
    void start() throws Exception {
        nodes = E2eNodes.open("demo", runId -> new EmbeddedBackend());
        node = nodes.start("main", Map.of());
    }

    @AfterAll
    void stop() {
        if (nodes != null) {
            nodes.close();
        }
    }

    private H2Response get(String path) throws Exception {
        return node.connection.get(path).get(10, TimeUnit.SECONDS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/demo", "/demo/", "/demo/index.html"})
    void thePageIsServedWithoutATokenAsHtml(String path) throws Exception {
        H2Response response = get(path);

        assertEquals(200, response.status());
        assertEquals("text/html; charset=utf-8", response.headers().get("content-type"));
        assertTrue(new String(response.body(), StandardCharsets.UTF_8).contains("<script type=\"module\" src=\"/demo/demo.js\">"));
    }

    @ParameterizedTest
    @CsvSource({"/demo/ccp.js, text/javascript; charset=utf-8", "/demo/demo.js, text/javascript; charset=utf-8",
        "/demo/demo.css, text/css; charset=utf-8"})
    void eachAssetHasItsContentType(String path, String contentType) throws Exception {
        H2Response response = get(path);

        assertEquals(200, response.status());
        assertEquals(contentType, response.headers().get("content-type"));
        assertTrue(response.body().length > 0);
    }

    @Test
    void everyAnswerAllowsScriptsAndConnectionsToThisOriginOnly() throws Exception {
        H2Response response = get("/demo");

        String policy = response.headers().get("content-security-policy");
        assertTrue(policy.contains("script-src 'self'") && policy.contains("connect-src 'self'"), policy);
        assertEquals("nosniff", response.headers().get("x-content-type-options"));
        assertEquals("no-store", response.headers().get("cache-control"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/demo/secret.txt", "/demo/..%2Fpom.xml", "/demo/DemoPage.class"})
    void onlyThePagesOwnFilesAreServed(String path) throws Exception {
        assertEquals(404, get(path).status());
    }
}
