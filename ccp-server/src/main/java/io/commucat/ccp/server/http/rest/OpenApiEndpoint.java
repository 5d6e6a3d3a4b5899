package io.commucat.ccp.server.http.rest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;

/**
 * {@code GET /api/openapi.json} and {@code GET /openapi.json} (public): the OpenAPI 3.1 document
 * of the REST surface. Its one source is {@code docs/openapi.json}, which the build copies next
 * to this class; it is read from the classpath once per process and served as those bytes, on
 * the event loop (no I/O per request). A test keeps its paths equal to the router's table.
 */
public final class OpenApiEndpoint implements RestEndpoint {

    /** Where the build puts {@code docs/openapi.json} (ccp-server/pom.xml), relative to this class. */
    static final String RESOURCE = "openapi.json";

    private final RestResponse response = RestResponse.json(200, Document.BYTES);

    @Override
    public CompletableFuture<RestResponse> handle(RestRequest request) {
        return CompletableFuture.completedFuture(response);
    }

    /** The document's bytes, exactly as in {@code docs/openapi.json}. */
    public static byte[] document() {
        return Document.BYTES.clone();
    }

    /** Read on first use; a build without the document fails the server's start, not a request. */
    private static final class Document {
        static final byte[] BYTES = load();

        private static byte[] load() {
            try (InputStream in = OpenApiEndpoint.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("the OpenAPI document is not on the classpath ("
                            + OpenApiEndpoint.class.getPackageName().replace('.', '/') + "/" + RESOURCE
                            + "); the build copies it from docs/openapi.json");
                }
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the OpenAPI document", e);
            }
        }
    }
}
