package io.commucat.ccp.server.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.commucat.ccp.client.transport.H2Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code docs/openapi.json} against a real node (embedded backend): its paths and methods are
 * exactly the routes the node's listener registers (both directions, {@code /connect}
 * included), the node serves it, and the public answers match its schemas.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class OpenApiRoutesEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

    private E2eNodes nodes;
    private TestNode node;
    private byte[] docsFile;
    private JsonNode document;

    @BeforeAll
    void start() throws Exception {
        docsFile = Files.readAllBytes(docsFile());
        document = JSON.readTree(docsFile);
        nodes = E2eNodes.open("openapi", runId -> new EmbeddedBackend());
        node = nodes.start("main", Map.of());
    }

    @AfterAll
    void stop() {
        if (nodes != null) {
            nodes.close();
        }
    }

    private static Path docsFile() {
        for (Path candidate : List.of(Path.of("..", "docs", "openapi.json"), Path.of("docs", "openapi.json"))) {
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError("docs/openapi.json not found from " + Path.of("").toAbsolutePath());
    }

    /** The document's paths → upper-case methods. */
    private Map<String, Set<String>> documented() {
        Map<String, Set<String>> paths = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = document.path("paths").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> path = it.next();
            Set<String> methods = new TreeSet<>();
            path.getValue().fieldNames().forEachRemaining(name -> {
                if (METHODS.contains(name)) {
                    methods.add(name.toUpperCase(Locale.ROOT));
                }
            });
            paths.put(path.getKey(), methods);
        }
        return paths;
    }

    @Test
    void theDocumentDescribesExactlyTheRoutesTheNodeServes() {
        Map<String, Set<String>> served = node.node.routeTable();
        Map<String, Set<String>> documented = documented();
        List<String> undocumented = difference(served, documented);
        List<String> unserved = difference(documented, served);
        if (!undocumented.isEmpty() || !unserved.isEmpty()) {
            fail("docs/openapi.json and the router differ.\n"
                    + "  served but not in docs/openapi.json: " + (undocumented.isEmpty() ? "none" : undocumented) + "\n"
                    + "  in docs/openapi.json but not served: " + (unserved.isEmpty() ? "none" : unserved));
        }
    }

    /** {@code METHOD path} entries of {@code a} that {@code b} lacks. */
    private static List<String> difference(Map<String, Set<String>> a, Map<String, Set<String>> b) {
        List<String> missing = new ArrayList<>();
        a.forEach((path, methods) -> methods.forEach(method -> {
            if (!b.getOrDefault(path, Set.of()).contains(method)) {
                missing.add(method + " " + path);
            }
        }));
        return missing;
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/openapi.json", "/openapi.json"})
    void theDocumentIsServedWithoutATokenAsTheDocsFile(String path) throws Exception {
        H2Response response = node.connection.get(path).get(10, TimeUnit.SECONDS);

        assertEquals(200, response.status());
        assertEquals("application/json", response.headers().get("content-type"));
        assertEquals("no-store", response.headers().get("cache-control"));
        assertArrayEquals(docsFile, response.body());
    }

    /** A public answer (success or problem) against the schema the document gives it. */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "/healthz,          200, /components/schemas/Health",
        "/readyz,           200, /components/schemas/Readiness",
        "/api/server-info,  200, /components/schemas/ServerInfo",
        "/metrics,          401, /components/schemas/Problem",
        "/no/such/path,     404, /components/schemas/Problem",
    })
    void publicAnswersMatchTheirSchemas(String path, int status, String schema) throws Exception {
        RestCalls.Answer answer = RestCalls.get(node.connection, path, null);

        assertEquals(status, answer.status(), answer.text());
        assertEquals(List.of(), new SchemaCheck(document).violations(answer.json(), schema), answer.text());
    }
}
