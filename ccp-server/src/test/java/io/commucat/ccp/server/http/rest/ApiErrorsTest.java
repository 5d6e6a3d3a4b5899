package io.commucat.ccp.server.http.rest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.commucat.ccp.server.storage.StorageException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

/** ApiException, BlockingEndpoint and JsonBody: how refusals and failures become problem+json. */
class ApiErrorsTest {

    private static final Executor DIRECT = Runnable::run;

    private static RestRequest request(String contentType, String body) {
        Map<String, List<String>> headers = contentType == null ? Map.of() : Map.of("content-type", List.of(contentType));
        return new RestRequest("POST", "/api/x", Map.of(), headers, body.getBytes(StandardCharsets.UTF_8), "/127.0.0.1:1");
    }

    private static JsonNode json(RestResponse response) throws Exception {
        return Json.mapper().readTree(response.body());
    }

    @Test
    void apiExceptionBecomesItsStatusWithTitleAndDetail() throws Exception {
        RestResponse response = BlockingEndpoint.on(DIRECT, r -> {
            throw ApiException.conflict("cannot revoke the calling device");
        }).handle(request(null, "")).get();

        assertEquals(409, response.status());
        assertEquals("Conflict", json(response).get("title").asText());
        assertEquals("cannot revoke the calling device", json(response).get("detail").asText());
    }

    @Test
    void unauthorizedAsksForABearerToken() throws Exception {
        RestResponse response = ApiException.unauthorized("token required").toResponse();

        assertEquals("Bearer", response.headers().get("www-authenticate"));
    }

    @Test
    void tooManyRequestsCarriesRetryAfter() {
        RestResponse response = ApiException.tooManyRequests("pairing", 120).toResponse();

        assertEquals(429, response.status());
        assertEquals("120", response.headers().get("retry-after"));
    }

    @Test
    void unavailableStorageIs503() throws Exception {
        RestResponse response = BlockingEndpoint.on(DIRECT, r -> {
            throw new StorageException(StorageException.Kind.UNAVAILABLE, "connection refused: db.internal:5432");
        }).handle(request(null, "")).get();

        assertEquals(503, response.status());
        assertFalse(new String(response.body(), StandardCharsets.UTF_8).contains("db.internal"));
    }

    @Test
    void unexpectedFailureIs500WithACorrelationIdAndNoInternalText() throws Exception {
        RestResponse response = BlockingEndpoint.on(DIRECT, r -> {
            throw new IllegalStateException("secret internal state");
        }).handle(request(null, "")).get();

        assertEquals(500, response.status());
        String id = json(response).get("correlation_id").asText();
        assertEquals(16, id.length());
        assertEquals(id, response.headers().get("x-correlation-id"));
        assertFalse(new String(response.body(), StandardCharsets.UTF_8).contains("secret"));
    }

    @Test
    void fullExecutorIs503() throws Exception {
        Executor full = task -> {
            throw new RejectedExecutionException("queue full");
        };

        assertEquals(503, BlockingEndpoint.on(full, r -> RestResponse.json(200, new byte[0])).handle(request(null, ""))
                .get().status());
    }

    @Test
    void bodyWithAnotherContentTypeIs415() {
        ApiException e = assertThrows(ApiException.class, () -> JsonBody.of(request("text/plain", "{}")));

        assertEquals(ApiException.Kind.UNSUPPORTED_MEDIA_TYPE, e.kind());
    }

    @Test
    void jsonContentTypesAndNoneAreAccepted() throws Exception {
        JsonBody.of(request("application/json; charset=utf-8", "{}"));
        JsonBody.of(request("application/merge-patch+json", "{}"));
        JsonBody.of(request(null, "{}"));
    }

    @Test
    void malformedJsonIs400() {
        assertEquals(ApiException.Kind.BAD_REQUEST,
                assertThrows(ApiException.class, () -> JsonBody.of(request(null, "{\"a\":"))).kind());
        assertEquals(ApiException.Kind.BAD_REQUEST,
                assertThrows(ApiException.class, () -> JsonBody.of(request(null, "[1]"))).kind());
        assertEquals(ApiException.Kind.BAD_REQUEST,
                assertThrows(ApiException.class, () -> JsonBody.of(request(null, ""))).kind());
    }

    @Test
    void optionalBodyReadsEmptyAsAnEmptyObject() throws Exception {
        assertEquals(0, JsonBody.optional(request(null, "")).root().size());
    }

    @Test
    void missingFieldNamesTheField() {
        ApiException e = assertThrows(ApiException.class, () -> JsonBody.of(request(null, "{}")).text("pair_code", 32));

        assertEquals("pair_code is required", e.getMessage());
    }

    @Test
    void fieldOfTheWrongTypeNamesTheField() {
        ApiException e = assertThrows(ApiException.class,
                () -> JsonBody.of(request(null, "{\"ttl\":\"ten\"}")).optionalLong("ttl"));

        assertEquals("ttl must be an integer", e.getMessage());
    }

    @Test
    void hexFieldIsCheckedForLengthAndDigits() throws Exception {
        JsonBody body = JsonBody.of(request(null, "{\"k\":\"ABCD\",\"short\":\"ab\",\"bad\":\"zzzz\"}"));

        assertArrayEquals(new byte[] {(byte) 0xab, (byte) 0xcd}, body.hex("k", 2));
        assertTrue(assertThrows(ApiException.class, () -> body.hex("short", 2)).getMessage().startsWith("short must be 2 bytes"));
        assertEquals("bad must be hex", assertThrows(ApiException.class, () -> body.hex("bad", 2)).getMessage());
    }

    @Test
    void instantFieldReadsRfc3339() throws Exception {
        JsonBody body = JsonBody.of(request(null, "{\"t\":\"2026-12-04T10:00:00+01:00\",\"u\":\"tomorrow\"}"));

        assertEquals(Instant.parse("2026-12-04T09:00:00Z"), body.instant("t"));
        assertEquals("u must be an RFC 3339 timestamp", assertThrows(ApiException.class, () -> body.instant("u")).getMessage());
    }

    @Test
    void overlongTextIsRefused() {
        assertThrows(ApiException.class, () -> JsonBody.of(request(null, "{\"n\":\"" + "x".repeat(65) + "\"}")).text("n", 64));
    }

    @Test
    void controlCharacterInATextFieldIsRefusedNamingTheField() {
        ApiException e = assertThrows(ApiException.class,
                () -> JsonBody.of(request(null, "{\"n\":\"a\\u0000b\"}")).text("n", 64));

        assertEquals("n must not contain control characters", e.getMessage());
    }

    @Test
    void tabsAndLineBreaksAreNotControlCharactersForText() throws Exception {
        assertEquals("a\tb\nc", JsonBody.of(request(null, "{\"n\":\"a\\tb\\nc\"}")).text("n", 64));
    }

    @Test
    void valueTheDatabaseRefusedIs400NotAnOutage() throws Exception {
        RestResponse response = BlockingEndpoint.on(DIRECT, r -> {
            throw new StorageException(StorageException.Kind.INVALID, "value refused by the database (SQLSTATE 22001)");
        }).handle(request(null, "")).get();

        assertEquals(400, response.status());
    }
}
