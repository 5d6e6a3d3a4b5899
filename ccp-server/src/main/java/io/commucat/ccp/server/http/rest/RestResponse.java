package io.commucat.ccp.server.http.rest;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A complete REST response. The transport adds {@code cache-control: no-store} and
 * {@code content-length}; {@code headers} holds anything else (lower-case names).
 *
 * @param contentType null only for a 204
 */
public record RestResponse(int status, String contentType, byte[] body, Map<String, String> headers) {

    public static final String JSON = "application/json";

    public RestResponse {
        headers = Map.copyOf(headers);
    }

    public static RestResponse json(int status, byte[] body) {
        return new RestResponse(status, JSON, body, Map.of());
    }

    /** 204: no body and no content type. */
    public static RestResponse noContent() {
        return new RestResponse(204, null, new byte[0], Map.of());
    }

    public static RestResponse text(int status, String contentType, String body) {
        return new RestResponse(status, contentType, body.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    public RestResponse withHeader(String name, String value) {
        Map<String, String> copy = new java.util.HashMap<>(headers);
        copy.put(name, value);
        return new RestResponse(status, contentType, body, copy);
    }
}
