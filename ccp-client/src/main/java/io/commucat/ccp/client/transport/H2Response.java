package io.commucat.ccp.client.transport;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A complete response of {@link ClientConnection#request} (for small REST calls such as {@code
 * /api/server-info}), over HTTP/2 or HTTP/1.1 alike; the name is older than the HTTP/1.1
 * transport.
 *
 * @param headers lower-case names; over HTTP/2 pseudo-headers included
 */
public record H2Response(int status, Map<String, String> headers, byte[] body) {

    /** Copies the headers and the body: the record is immutable. */
    public H2Response {
        headers = Map.copyOf(headers);
        body = body.clone();
    }

    /** @return a copy of the body */
    @Override
    public byte[] body() {
        return body.clone();
    }

    /** @return the body as UTF-8 text */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** A header by lower-case name, or null. */
    public String header(String name) {
        return headers.get(name);
    }
}
