package io.commucat.ccp.server.http.rest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The structure of {@code docs/openapi.json}, without a server: it is the document the server
 * serves, it is OpenAPI 3.1, and it holds together (references, parameters, error responses).
 * Whether its paths are the routes a node registers is {@code e2e.OpenApiRoutesEndToEndTest}.
 */
class OpenApiDocumentTest {

    static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
    private static final Pattern TEMPLATE_PARAMETER = Pattern.compile("\\{([^}/]+)}");

    static JsonNode doc;
    static byte[] bytes;

    @BeforeAll
    static void read() throws IOException {
        bytes = Files.readAllBytes(docsFile());
        doc = Json.mapper().readTree(bytes);
    }

    /** {@code docs/openapi.json} of this checkout (tests run in the module's directory). */
    static Path docsFile() {
        for (Path candidate : List.of(Path.of("..", "docs", "openapi.json"), Path.of("docs", "openapi.json"))) {
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError("docs/openapi.json not found from " + Path.of("").toAbsolutePath());
    }

    /** Calls {@code each} with (path, method, operation) for every operation. */
    static void operations(TriConsumer each) {
        doc.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
            if (METHODS.contains(op.getKey())) {
                each.accept(path.getKey(), op.getKey(), op.getValue());
            }
        }));
    }

    @FunctionalInterface
    interface TriConsumer {
        void accept(String path, String method, JsonNode operation);
    }

    /** {@code node}, or what its {@code $ref} points at. */
    static JsonNode resolve(JsonNode node) {
        JsonNode ref = node.get("$ref");
        return ref == null ? node : doc.at(JsonPointer.compile(ref.asText().substring(1)));
    }

    /** Every {@code (status, response)} of every operation, with its path and method. */
    private static void responses(BiConsumer<String, Map.Entry<String, JsonNode>> each) {
        operations((path, method, op) -> op.path("responses").fields()
                .forEachRemaining(r -> each.accept(method.toUpperCase() + " " + path, Map.entry(r.getKey(), resolve(r.getValue())))));
    }

    @Test
    void theServerServesExactlyTheseBytes() {
        assertArrayEquals(bytes, OpenApiEndpoint.document(),
                "the classpath copy differs from docs/openapi.json: rebuild (mvn process-resources)");
    }

    @Test
    void itIsAnOpenApi31DocumentWithTitleAndVersion() {
        assertTrue(doc.path("openapi").asText().matches("3\\.1\\.\\d+"), doc.path("openapi").toString());
        assertTrue(doc.path("info").path("title").isTextual(), "info.title");
        assertTrue(doc.path("info").path("version").isTextual(), "info.version");
        assertTrue(doc.path("paths").isObject() && doc.path("paths").size() > 0, "paths");
    }

    @Test
    void everyOperationHasDescribedResponses() {
        List<String> faults = new ArrayList<>();
        operations((path, method, op) -> {
            JsonNode responses = op.path("responses");
            if (!responses.isObject() || responses.isEmpty()) {
                faults.add(method + " " + path + ": no responses");
            }
            responses.fields().forEachRemaining(r -> {
                if (!r.getKey().matches("[1-5]\\d\\d|default")) {
                    faults.add(method + " " + path + ": status " + r.getKey());
                }
                if (!resolve(r.getValue()).path("description").isTextual()) {
                    faults.add(method + " " + path + " " + r.getKey() + ": no description");
                }
            });
        });
        assertEquals(List.of(), faults);
    }

    @Test
    void everyReferenceResolvesInsideTheDocument() {
        List<String> broken = new ArrayList<>();
        walk(doc, "#", (where, node) -> {
            JsonNode ref = node.get("$ref");
            if (ref != null) {
                String target = ref.asText();
                if (!target.startsWith("#/") || doc.at(JsonPointer.compile(target.substring(1))).isMissingNode()) {
                    broken.add(where + " -> " + target);
                }
            }
        });
        assertEquals(List.of(), broken);
    }

    @Test
    void everyPathParameterIsDeclaredAndEveryDeclaredOneIsInThePath() {
        List<String> faults = new ArrayList<>();
        operations((path, method, op) -> {
            Set<String> inTemplate = new TreeSet<>();
            Matcher m = TEMPLATE_PARAMETER.matcher(path);
            while (m.find()) {
                inTemplate.add(m.group(1));
            }
            Set<String> declared = new TreeSet<>();
            List<JsonNode> parameters = new ArrayList<>();
            doc.path("paths").path(path).path("parameters").forEach(parameters::add);
            op.path("parameters").forEach(parameters::add);
            for (JsonNode p : parameters) {
                JsonNode parameter = resolve(p);
                if (parameter.path("in").asText().equals("path")) {
                    declared.add(parameter.path("name").asText());
                    if (!parameter.path("required").asBoolean()) {
                        faults.add(method + " " + path + ": path parameter " + parameter.path("name") + " not required");
                    }
                }
            }
            if (!inTemplate.equals(declared)) {
                faults.add(method + " " + path + ": template " + inTemplate + ", declared " + declared);
            }
        });
        assertEquals(List.of(), faults);
    }

    @Test
    void operationIdsAreUnique() {
        Set<String> seen = new HashSet<>();
        List<String> duplicates = new ArrayList<>();
        operations((path, method, op) -> {
            if (!seen.add(op.path("operationId").asText())) {
                duplicates.add(method + " " + path + ": " + op.path("operationId"));
            }
        });
        assertEquals(List.of(), duplicates);
    }

    @Test
    void everySecurityRequirementNamesADefinedScheme() {
        JsonNode schemes = doc.path("components").path("securitySchemes");
        assertTrue(schemes.has("session") && schemes.has("admin"), "session and admin bearer schemes");
        List<String> unknown = new ArrayList<>();
        operations((path, method, op) -> op.path("security").forEach(requirement -> requirement.fieldNames()
                .forEachRemaining(name -> {
                    if (!schemes.has(name)) {
                        unknown.add(method + " " + path + ": " + name);
                    }
                })));
        assertEquals(List.of(), unknown);
    }

    @Test
    void everyErrorIsAProblemExceptTheReadinessReport() {
        List<String> faults = new ArrayList<>();
        responses((operation, response) -> {
            boolean error = response.getKey().charAt(0) == '4' || response.getKey().charAt(0) == '5';
            boolean readiness = operation.equals("GET /readyz") && response.getKey().equals("503");
            if (error && !readiness && !response.getValue().path("content").has(Problem.CONTENT_TYPE)) {
                faults.add(operation + " " + response.getKey());
            }
        });
        assertEquals(List.of(), faults);
    }

    @Test
    void everyTooManyRequestsDeclaresRetryAfter() {
        List<String> faults = new ArrayList<>();
        responses((operation, response) -> {
            if (response.getKey().equals("429") && !response.getValue().path("headers").has("Retry-After")) {
                faults.add(operation);
            }
        });
        assertEquals(List.of(), faults);
    }

    @Test
    void everyInternalErrorCarriesTheCorrelationId() {
        List<String> faults = new ArrayList<>();
        responses((operation, response) -> {
            if (response.getKey().equals("500")) {
                JsonNode schema = resolve(response.getValue().path("content").path(Problem.CONTENT_TYPE).path("schema"));
                boolean correlated = false;
                for (JsonNode part : schema.path("allOf")) {
                    correlated |= resolve(part).path("required").toString().contains("\"correlation_id\"");
                }
                if (!correlated || !response.getValue().path("headers").has("X-Correlation-Id")) {
                    faults.add(operation);
                }
            }
        });
        assertEquals(List.of(), faults);
    }

    @Test
    void everyStatusRestMdNamesIsDescribed() {
        Set<String> described = new TreeSet<>();
        responses((operation, response) -> described.add(response.getKey()));
        for (String status : List.of("400", "401", "403", "404", "409", "413", "415", "429", "500", "503")) {
            assertTrue(described.contains(status), status + " in " + described);
        }
    }

    @Test
    void everyRequiredPropertyIsDefined() {
        List<String> faults = new ArrayList<>();
        doc.path("components").path("schemas").fields().forEachRemaining(schema -> walk(schema.getValue(),
                schema.getKey(), (where, node) -> {
                    if (node.path("required").isArray() && node.has("properties")) {
                        node.path("required").forEach(name -> {
                            if (!node.path("properties").has(name.asText())) {
                                faults.add(where + ": " + name);
                            }
                        });
                    }
                }));
        assertEquals(List.of(), faults);
    }

    /** Visits every object node under {@code node} with a readable location. */
    private static void walk(JsonNode node, String where, BiConsumer<String, JsonNode> visit) {
        if (node.isObject()) {
            visit.accept(where, node);
            node.fields().forEachRemaining(f -> walk(f.getValue(), where + "/" + f.getKey(), visit));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), where + "/" + i, visit);
            }
        }
    }
}
