package io.commucat.ccp.server.http.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class RestPiecesTest {

    private final RestEndpoint ok = request -> CompletableFuture.completedFuture(RestResponse.json(200, new byte[0]));
    private final Router router = Router.builder().get("/healthz", ok).post("/api/pair", ok).get("/api/pair", ok).build();

    @Test
    void routerMatchesExactPathsAndMethods() {
        assertInstanceOf(Router.Endpoint.class, router.match("GET", "/healthz"));
        assertInstanceOf(Router.Connect.class, router.match("GET", "/connect"));
        assertInstanceOf(Router.Connect.class, router.match("POST", "/connect"));
        assertEquals("GET, POST", ((Router.MethodNotAllowed) router.match("PUT", "/connect")).allowed());
        assertEquals("GET, POST", ((Router.MethodNotAllowed) router.match("DELETE", "/api/pair")).allowed());
        assertInstanceOf(Router.NotFound.class, router.match("GET", "/healthz/"));
        assertEquals(Router.UNMATCHED, router.match("GET", "/nope").route());
    }

    @Test
    void problemsCarryTheOriginalTitles() throws Exception {
        for (int status : new int[] {400, 401, 403, 404, 409, 413, 429, 500, 503}) {
            RestResponse response = Problem.of(status, "why");
            JsonNode body = Json.mapper().readTree(response.body());
            assertEquals(Problem.CONTENT_TYPE, response.contentType());
            assertEquals("about:blank", body.get("type").asText());
            assertEquals(status, body.get("status").asInt());
            assertEquals("why", body.get("detail").asText());
        }
        assertEquals("BadRequest", Problem.title(400));
        assertEquals("PayloadTooLarge", Problem.title(413));
        assertEquals("ServiceUnavailable", Problem.title(503));
        assertEquals("MethodNotAllowed", Problem.title(405));
    }

    @Test
    void bearerTokenComparesWholeTokens() {
        BearerToken token = new BearerToken("s3cret-admin-token");
        assertTrue(token.matches(List.of("Bearer s3cret-admin-token")));
        assertTrue(token.matches(List.of("bearer s3cret-admin-token")));
        assertTrue(token.matches(List.of("s3cret-admin-token")));
        assertFalse(token.matches(List.of("Bearer s3cret-admin-toke")));
        assertFalse(token.matches(List.of("Bearer s3cret-admin-token2")));
        assertFalse(token.matches(List.of()));
    }
}
