package io.commucat.ccp.server.cli;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Collection;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The admin endpoints of a running server, as {@code ccp admin} calls them: HTTPS (HTTP/2 when
 * the server offers it) with the admin token, JSON in and out. Failures are {@link AdminException}s
 * with a kind the command turns into an exit status.
 */
final class AdminClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private final HttpClient http;
    private final URI server;
    private final String token;

    private AdminClient(HttpClient http, URI server, String token) {
        this.http = http;
        this.server = server;
        this.token = token;
    }

    /**
     * @param caFile PEM certificates to trust instead of the system's (the data directory's
     *     development CA), or {@code null} for the system trust store
     */
    static AdminClient connect(URI server, String token, Path caFile) throws AdminException {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(TIMEOUT).version(HttpClient.Version.HTTP_2);
        if (caFile != null) {
            builder.sslContext(trusting(caFile));
        }
        return new AdminClient(builder.build(), server, Objects.requireNonNull(token, "token"));
    }

    JsonNode get(String path) throws AdminException {
        return send(HttpRequest.newBuilder(server.resolve(path)).GET());
    }

    JsonNode post(String path, Object body) throws AdminException {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (JacksonException e) {
            throw new IllegalStateException("cannot write a request body", e);
        }
        return send(HttpRequest.newBuilder(server.resolve(path))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)));
    }

    private JsonNode send(HttpRequest.Builder request) throws AdminException {
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.header("authorization", "Bearer " + token).timeout(TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new AdminException(AdminException.Kind.UNREACHABLE,
                    "cannot reach " + server + " (" + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdminException(AdminException.Kind.UNREACHABLE, "interrupted");
        }
        JsonNode body;
        try {
            body = response.body().length == 0 ? JSON.missingNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            body = JSON.missingNode();
        }
        int status = response.statusCode();
        if (status / 100 == 2) {
            return body;
        }
        String detail = body.path("detail").asText("");
        String message = status + " " + body.path("title").asText("") + (detail.isEmpty() ? "" : ": " + detail);
        AdminException.Kind kind = switch (status) {
            case 401, 403 -> AdminException.Kind.NOT_ALLOWED;
            case 404 -> AdminException.Kind.NOT_FOUND;
            case 503 -> AdminException.Kind.UNREACHABLE;
            default -> AdminException.Kind.REFUSED;
        };
        throw new AdminException(kind, message);
    }

    private static SSLContext trusting(Path caFile) throws AdminException {
        try (InputStream in = Files.newInputStream(caFile)) {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new AdminException(AdminException.Kind.REFUSED, caFile + ": no certificate in it");
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate certificate : certificates) {
                store.setCertificateEntry("ca-" + i++, certificate);
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLSv1.3");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new AdminException(AdminException.Kind.REFUSED, "cannot read CA certificates from " + caFile + ": "
                    + e.getMessage());
        }
    }

    /** A failed admin call; the kind decides the exit status. */
    static final class AdminException extends Exception {

        enum Kind {
            /** The server is not reachable, or a dependency it needs is down. */
            UNREACHABLE,
            /** The admin token was refused. */
            NOT_ALLOWED,
            NOT_FOUND,
            /** Any other refusal (bad input, conflict) or a local problem. */
            REFUSED
        }

        private final Kind kind;

        AdminException(Kind kind, String message) {
            super(message);
            this.kind = kind;
        }

        Kind kind() {
            return kind;
        }
    }
}
