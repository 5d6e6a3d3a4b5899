package io.commucat.ccp.server.http.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class RouterTemplateTest {

    private final RestEndpoint devices = request -> CompletableFuture.completedFuture(RestResponse.json(200, new byte[0]));
    private final RestEndpoint requests = request -> CompletableFuture.completedFuture(RestResponse.json(200, new byte[0]));
    private final RestEndpoint delete = request -> CompletableFuture.completedFuture(RestResponse.json(200, new byte[0]));
    private final RestEndpoint accept = request -> CompletableFuture.completedFuture(RestResponse.json(200, new byte[0]));
    private final Router router = Router.builder()
            .get("/api/friends/requests", requests)
            .post("/api/friends/requests/{user}", requests)
            .get("/api/friends/{user}/devices", devices)
            .delete("/api/friends/{user}", delete)
            .post("/api/friends/requests/{user}/accept", accept)
            .build();

    @Test
    void templateBindsItsParameter() {
        Router.Endpoint match = (Router.Endpoint) router.match("GET", "/api/friends/u-42/devices");

        assertSame(devices, match.endpoint());
        assertEquals("/api/friends/{user}/devices", match.route());
        assertEquals(Map.of("user", "u-42"), match.params());
    }

    @Test
    void parameterIsPercentDecodedAsUtf8() {
        Router.Endpoint match = (Router.Endpoint) router.match("DELETE", "/api/friends/j%C3%BCrgen%20k");

        assertEquals("jürgen k", match.params().get("user"));
    }

    @Test
    void encodedSlashStaysInsideOneParameter() {
        Router.Endpoint match = (Router.Endpoint) router.match("DELETE", "/api/friends/a%2Fb");

        assertEquals("a/b", match.params().get("user"));
    }

    @Test
    void malformedEscapeIsABadParameter() {
        assertEquals("user", ((Router.BadParameter) router.match("DELETE", "/api/friends/%zz")).name());
        assertEquals("user", ((Router.BadParameter) router.match("DELETE", "/api/friends/%C3")).name());
        assertEquals("user", ((Router.BadParameter) router.match("DELETE", "/api/friends/abc%2")).name());
    }

    @Test
    void literalRouteWinsOverATemplate() {
        assertSame(requests, ((Router.Endpoint) router.match("GET", "/api/friends/requests")).endpoint());
    }

    @Test
    void literalPathWithAnotherMethodFallsThroughToATemplateThatServesIt() {
        Router.Endpoint match = (Router.Endpoint) router.match("DELETE", "/api/friends/requests");

        assertSame(delete, match.endpoint());
        assertEquals("requests", match.params().get("user"));
    }

    @Test
    void firstTemplateWithAnotherMethodFallsThroughToALaterOne() {
        Router.Endpoint match = (Router.Endpoint) router.match("GET", "/api/friends/requests/devices");

        assertSame(devices, match.endpoint());
        assertEquals("requests", match.params().get("user"));
    }

    @Test
    void pathNoRouteServesWithThisMethodIsMethodNotAllowedNamingTheFirstRoute() {
        assertEquals("GET", ((Router.MethodNotAllowed) router.match("PUT", "/api/friends/requests")).allowed());
    }

    @Test
    void controlCharacterInAParameterIsABadParameter() {
        assertEquals("user", ((Router.BadParameter) router.match("DELETE", "/api/friends/a%00b")).name());
        assertEquals("user", ((Router.BadParameter) router.match("DELETE", "/api/friends/a%0Ab")).name());
    }

    @Test
    void templateWithAnotherMethodIsMethodNotAllowedNamingTheTemplate() {
        Router.MethodNotAllowed match = (Router.MethodNotAllowed) router.match("POST", "/api/friends/u-1/devices");

        assertEquals("/api/friends/{user}/devices", match.route());
        assertEquals("GET", match.allowed());
    }

    @Test
    void emptySegmentDoesNotMatchAParameter() {
        assertInstanceOf(Router.NotFound.class, router.match("GET", "/api/friends//devices"));
        assertInstanceOf(Router.NotFound.class, router.match("DELETE", "/api/friends/"));
    }

    @Test
    void extraOrMissingSegmentsDoNotMatch() {
        assertInstanceOf(Router.NotFound.class, router.match("GET", "/api/friends/u-1/devices/more"));
        assertInstanceOf(Router.NotFound.class, router.match("POST", "/api/friends/requests/u-1/reject"));
        assertInstanceOf(Router.NotFound.class, router.match("GET", "relative/path"));
    }

    @Test
    void tableListsEveryRouteWithItsMethods() {
        assertEquals(Map.of(
                "/api/friends/requests", Set.of("GET"),
                "/api/friends/{user}/devices", Set.of("GET"),
                "/api/friends/{user}", Set.of("DELETE"),
                "/api/friends/requests/{user}", Set.of("POST"),
                "/api/friends/requests/{user}/accept", Set.of("POST")), router.table());
    }

    @Test
    void registeringAMethodTwiceIsRefused() {
        Router.Builder builder = Router.builder().get("/a/{x}", devices);

        assertThrows(IllegalArgumentException.class, () -> builder.get("/a/{x}", devices));
    }

    @Test
    void parameterMustBeAWholeSegment() {
        assertThrows(IllegalArgumentException.class, () -> Router.builder().get("/a/x{y}", devices).build());
    }
}
