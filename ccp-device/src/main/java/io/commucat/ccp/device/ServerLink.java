package io.commucat.ccp.device;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.commucat.ccp.client.handshake.DeviceHandshake;
import io.commucat.ccp.client.handshake.DeviceIdentity;
import io.commucat.ccp.client.handshake.EstablishedSession;
import io.commucat.ccp.client.handshake.UserHints;
import io.commucat.ccp.client.transport.DeviceConnection;
import io.commucat.ccp.client.transport.H2Connection;
import io.commucat.ccp.client.transport.H2Response;
import io.commucat.ccp.client.transport.H2Transport;
import io.commucat.ccp.crypto.Hex;
import io.commucat.ccp.crypto.noise.NoisePattern;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One HTTP/2 connection to a server: its {@code /api/server-info}, REST calls, and the device
 * bootstrap on {@code /connect}. Blocking; closes everything it opened.
 */
final class ServerLink implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long TIMEOUT_SECONDS = 15;

    private final H2Transport transport;
    private final H2Connection connection;
    private DeviceConnection device;

    private ServerLink(H2Transport transport, H2Connection connection) {
        this.transport = transport;
        this.connection = connection;
    }

    /** @param caFile PEM certificates to trust, or {@code null} for the system's */
    static ServerLink open(URI server, Path caFile) throws DeviceCliException {
        if (!"https".equalsIgnoreCase(server.getScheme()) || server.getHost() == null) {
            throw new DeviceCliException("--server must be an https:// URL with a host");
        }
        int port = server.getPort() < 0 ? 443 : server.getPort();
        H2Transport.Builder builder = H2Transport.builder(server.getHost(), port).threads(1);
        if (caFile != null) {
            builder.trustCertificates(caFile);
        } else {
            builder.trustSystemStore();
        }
        H2Transport transport;
        try {
            transport = builder.build();
        } catch (java.io.IOException | RuntimeException e) {
            throw new DeviceCliException("cannot set up TLS" + (caFile == null ? "" : " with " + caFile) + ": " + e.getMessage());
        }
        try {
            return new ServerLink(transport, await(transport.connect(), "connect to " + server));
        } catch (DeviceCliException e) {
            transport.close();
            throw e;
        }
    }

    /** {@code GET /api/server-info}. */
    JsonNode serverInfo() throws DeviceCliException {
        return call("GET", "/api/server-info", null, null);
    }

    /**
     * Bootstraps {@code identity} on a new {@code /connect} stream (XK) and keeps the session
     * open until {@link #close()}.
     */
    EstablishedSession bootstrap(DeviceIdentity identity, UserHints hints) throws DeviceCliException {
        JsonNode info = serverInfo();
        DeviceHandshake handshake = new DeviceHandshake(identity, info.path("domain").asText(),
                Hex.decode(info.path("noise_public").asText()), DeviceHandshake.defaultPrologue(), NoisePattern.XK,
                hints, new SecureRandom());
        device = DeviceConnection.start(connection, handshake, null);
        return await(device.established(), "bootstrap");
    }

    /**
     * A REST call; a non-2xx answer is a {@link DeviceCliException} with the problem's title and
     * detail.
     *
     * @param token a session token, or {@code null}
     * @param body  a JSON-serialisable value, or {@code null} for none
     */
    JsonNode call(String method, String path, String token, Object body) throws DeviceCliException {
        Map<String, String> headers = new HashMap<>();
        if (token != null) {
            headers.put("authorization", "Bearer " + token);
        }
        byte[] bytes = new byte[0];
        if (body != null) {
            headers.put("content-type", "application/json");
            try {
                bytes = JSON.writeValueAsBytes(body);
            } catch (Exception e) {
                throw new IllegalStateException("cannot write a request body", e);
            }
        }
        H2Response response = await(connection.request(method, path, headers, bytes), method + " " + path);
        JsonNode json;
        try {
            json = response.body().length == 0 ? JSON.missingNode() : JSON.readTree(response.body());
        } catch (Exception e) {
            json = JSON.missingNode();
        }
        if (response.status() / 100 != 2) {
            String detail = json.path("detail").asText(new String(response.body(), StandardCharsets.UTF_8));
            throw new DeviceCliException(method + " " + path + ": " + response.status() + " "
                    + json.path("title").asText("") + (detail.isEmpty() ? "" : ": " + detail));
        }
        return json;
    }

    private static <T> T await(java.util.concurrent.CompletableFuture<T> future, String what) throws DeviceCliException {
        try {
            return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new DeviceCliException(what + " failed: " + (cause.getMessage() == null
                    ? cause.getClass().getSimpleName() : cause.getMessage()));
        } catch (TimeoutException e) {
            throw new DeviceCliException(what + ": no answer within " + TIMEOUT_SECONDS + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeviceCliException(what + ": interrupted");
        }
    }

    @Override
    public void close() {
        if (device != null) {
            device.endUpstream();
        }
        connection.close();
        transport.close();
    }
}
