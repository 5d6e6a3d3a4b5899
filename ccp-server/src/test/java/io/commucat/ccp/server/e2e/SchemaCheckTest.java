package io.commucat.ccp.server.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The schema subset {@link SchemaCheck} reads finds what it should, so a green conformance check means something. */
class SchemaCheckTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SchemaCheck check = new SchemaCheck(json("""
            {"components":{"schemas":{
              "Hex":{"type":"string","pattern":"^[0-9a-f]{4}$"},
              "Thing":{"type":"object","required":["id","state"],"additionalProperties":false,"properties":{
                "id":{"$ref":"#/components/schemas/Hex"},
                "state":{"type":"string","enum":["up","down"]},
                "count":{"type":["integer","null"],"minimum":0},
                "tags":{"type":"array","maxItems":2,"items":{"type":"string"}}}}}}}
            """));

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private List<String> violations(String value) {
        return check.violations(json(value), "/components/schemas/Thing");
    }

    @Test
    void aConformingValueHasNoViolations() {
        assertEquals(List.of(), violations("{\"id\":\"00ff\",\"state\":\"up\",\"count\":null,\"tags\":[\"a\"]}"));
    }

    @Test
    void eachBreachIsNamedWithItsPlace() {
        assertEquals(List.of("$: lacks state"), violations("{\"id\":\"00ff\"}"));
        assertEquals(List.of("$.id: \"xyz\" does not match ^[0-9a-f]{4}$"), violations("{\"id\":\"xyz\",\"state\":\"up\"}"));
        assertEquals(List.of("$.state: \"sideways\" is not one of [\"up\",\"down\"]"),
                violations("{\"id\":\"00ff\",\"state\":\"sideways\"}"));
        assertEquals(List.of("$.count: string where [\"integer\",\"null\"] belongs"),
                violations("{\"id\":\"00ff\",\"state\":\"up\",\"count\":\"1\"}"));
        assertEquals(List.of("$.count: -1 below 0"), violations("{\"id\":\"00ff\",\"state\":\"up\",\"count\":-1}"));
        assertEquals(List.of("$.tags: more than 2 items"),
                violations("{\"id\":\"00ff\",\"state\":\"up\",\"tags\":[\"a\",\"b\",\"c\"]}"));
        assertEquals(List.of("$.extra: not in the schema"), violations("{\"id\":\"00ff\",\"state\":\"up\",\"extra\":1}"));
    }
}
