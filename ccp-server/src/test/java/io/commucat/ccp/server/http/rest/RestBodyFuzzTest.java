package io.commucat.ccp.server.http.rest;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Coverage-guided fuzzing of REST request bodies as the REST layer reads them (docs/fuzzing.md):
 * {@link Json#readBody} turns any body into a tree or a {@link JacksonException} (answered 400 by
 * rest.md), never another exception, and whatever it read it can write back.
 */
class RestBodyFuzzTest {

    @FuzzTest
    void jsonBody(byte[] input) {
        JsonNode tree;
        try {
            tree = Json.readBody(input);
        } catch (JacksonException malformed) {
            return;
        }
        Json.bytes(tree);
    }
}
