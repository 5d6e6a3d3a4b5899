package io.commucat.ccp.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.commucat.ccp.client.transport.H2Connection;
import io.commucat.ccp.client.transport.H2Response;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * REST calls of the end-to-end suites over a real HTTP/2 connection: JSON in, status and JSON
 * out. {@code token} is a session token from the handshake or the admin token, or {@code null}.
 */
final class RestCalls {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A response: its status, its headers (lower-case names) and its body parsed (a missing node when empty or not JSON). */
    record Answer(int status, Map<String, String> headers, JsonNode json, String text) {

        String header(String name) {
            return headers.get(name);
        }
    }

    private RestCalls() {
    }

    static Answer get(H2Connection connection, String path, String token) throws Exception {
        return call(connection, "GET", path, token, (String) null);
    }

    static Answer post(H2Connection connection, String path, String token, Object body) throws Exception {
        return call(connection, "POST", path, token, body == null ? null : JSON.writeValueAsString(body));
    }

    /** {@code body}: JSON text sent with {@code content-type: application/json}, or {@code null} for none. */
    static Answer call(H2Connection connection, String method, String path, String token, String body)
            throws Exception {
        Map<String, String> headers = new HashMap<>();
        if (token != null) {
            headers.put("authorization", "Bearer " + token);
        }
        byte[] bytes = new byte[0];
        if (body != null) {
            headers.put("content-type", "application/json");
            bytes = body.getBytes(StandardCharsets.UTF_8);
        }
        H2Response response = connection.request(method, path, headers, bytes).get(15, TimeUnit.SECONDS);
        String text = new String(response.body(), StandardCharsets.UTF_8);
        JsonNode json;
        try {
            json = text.isEmpty() ? JSON.missingNode() : JSON.readTree(text);
        } catch (Exception e) {
            json = JSON.missingNode();
        }
        return new Answer(response.status(), response.headers(), json, text);
    }

    /** A JSON object from alternating names and values. */
    static Map<String, Object> body(Object... namesAndValues) {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            body.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return body;
    }
}
