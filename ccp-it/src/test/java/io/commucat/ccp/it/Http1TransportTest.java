package io.commucat.ccp.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.commucat.ccp.client.transport.ClientConnection;
import io.commucat.ccp.client.transport.ClientConnection.Protocol;
import io.commucat.ccp.client.transport.ClientTransport;
import io.commucat.ccp.client.transport.H1Connection;
import io.commucat.ccp.client.transport.H2Connection;
import io.commucat.ccp.client.transport.H2Response;
import io.commucat.ccp.client.transport.StreamClosure;
import io.commucat.ccp.proto.ControlJson;
import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.proto.FrameType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SDK's connector against a real node: HTTP/1.1 chunked {@code /connect} and REST when h2 is
 * not offered (what the node sees behind a proxy that strips ALPN), h2 when it is, and the
 * fallback through a real ALPN-stripping proxy. Real sockets and TLS.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class Http1TransportTest {

    @TempDir
    static Path dir;

    private TestServer server;
    private final List<AutoCloseable> opened = new ArrayList<>();

    @BeforeAll
    void startNode() throws Exception {
        server = TestServer.start(dir, Map.of());
    }

    @AfterAll
    void stopNode() {
        if (server != null) {
            server.close();
        }
    }

    @AfterEach
    void closeTransports() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
        opened.clear();
    }

    /** A transport to {@code port} (the node's by default) trusting the node's CA, offering {@code protocols}. */
    private ClientTransport transport(int port, Protocol... protocols) throws IOException {
        ClientTransport transport = ClientTransport.builder("127.0.0.1", port).trustCertificates(server.devCa())
                .protocols(protocols).build();
        opened.add(transport);
        return transport;
    }

    private ClientConnection connect(Protocol... protocols) throws Exception {
        return transport(server.port(), protocols).connect().get(WireDevice.WAIT_SECONDS, TimeUnit.SECONDS);
    }

    private static String handle(String name) {
        return name + "-" + System.nanoTime();
    }

    private static long newChannel() {
        return ThreadLocalRandom.current().nextLong(1, 1L << 32);
    }

    private static void assertAck(Frame answer) {
        assertEquals(FrameType.ACK, answer.type(), () -> answer.control().json().toString());
    }

    @Test
    void twoDevicesBootstrapAndExchangeAMessageOverHttp1() throws Exception {
        ClientConnection connection = connect(Protocol.HTTP_1_1);
        assertInstanceOf(H1Connection.class, connection);
        WireDevice alice = WireDevice.register(connection, handle("alice"));
        WireDevice bob = WireDevice.register(connection, handle("bob"));
        long channel = newChannel();

        assertAck(alice.join(channel, bob.id));
        assertAck(bob.join(channel));
        byte[] payload = "over chunked HTTP/1.1".getBytes(StandardCharsets.UTF_8);
        assertAck(alice.send(channel, payload));

        Frame received = bob.next(FrameType.MSG);
        assertEquals(channel, received.channelId());
        assertArrayEquals(payload, received.opaque().toByteArray());
    }

    @Test
    void aRestCallWorksWhileAnHttp1SessionIsOpen() throws Exception {
        ClientConnection connection = connect(Protocol.HTTP_1_1);
        WireDevice alice = WireDevice.register(connection, handle("alice"));

        H2Response devices = connection.request("GET", "/api/devices",
                Map.of("authorization", "Bearer " + alice.session.session())).get(WireDevice.WAIT_SECONDS, TimeUnit.SECONDS);

        assertEquals(200, devices.status(), devices.bodyText());
        JsonNode listed = ControlJson.mapper().readTree(devices.body()).path("devices");
        assertEquals(alice.id, listed.path(0).path("device_id").asText(), listed.toString());
        assertTrue(alice.connection.stream().get().isOpen(), "the session's socket is its own");
        assertAck(alice.join(newChannel()));
    }

    @Test
    void restCallsInARowOverHttp1EachGetTheirResponse() throws Exception {
        ClientConnection connection = connect(Protocol.HTTP_1_1);

        for (int i = 0; i < 5; i++) {
            H2Response health = connection.get("/healthz").get(WireDevice.WAIT_SECONDS, TimeUnit.SECONDS);
            assertEquals(200, health.status(), health.bodyText());
        }
        H2Response missing = connection.get("/api/no-such-thing").get(WireDevice.WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals(404, missing.status());
        assertTrue(connection.isActive());
    }

    @Test
    void anHttp1SessionEndsCleanlyWhenTheDeviceEndsItsUpstream() throws Exception {
        WireDevice alice = WireDevice.register(connect(Protocol.HTTP_1_1), handle("alice"));

        StreamClosure closure = alice.close();

        assertEquals(StreamClosure.Kind.COMPLETED, closure.kind());
    }

    @Test
    void http2ThenHttp1PicksH2FromTheNode() throws Exception {
        ClientConnection connection = connect(Protocol.HTTP_2, Protocol.HTTP_1_1);

        assertEquals(Protocol.HTTP_2, connection.protocol());
        assertInstanceOf(H2Connection.class, connection);
        WireDevice alice = WireDevice.register(connection, handle("alice"));
        assertAck(alice.join(newChannel()));
    }

    @Test
    void behindAProxyThatStripsAlpnHttp2ThenHttp1FallsBackToHttp1() throws Exception {
        try (AlpnStrippingProxy proxy = new AlpnStrippingProxy(server)) {
            ClientConnection connection = transport(proxy.port(), Protocol.HTTP_2, Protocol.HTTP_1_1).connect()
                    .get(WireDevice.WAIT_SECONDS, TimeUnit.SECONDS);

            assertEquals(Protocol.HTTP_1_1, connection.protocol());
            WireDevice alice = WireDevice.register(connection, handle("alice"));
            assertAck(alice.join(newChannel()));
            H2Response health = connection.get("/healthz").get(WireDevice.WAIT_SECONDS, TimeUnit.SECONDS);
            assertEquals(200, health.status());
            assertTrue(proxy.accepted.get() >= 2, "the session and the call each went through the proxy on a socket of its own");
        }
    }

    @Test
    void behindAProxyThatStripsAlpnHttp2OnlyFailsSayingWhy() throws Exception {
        try (AlpnStrippingProxy proxy = new AlpnStrippingProxy(server)) {
            ClientTransport http2Only = transport(proxy.port(), Protocol.HTTP_2);

            ExecutionException failed = assertThrows(ExecutionException.class,
                    () -> http2Only.connect().get(WireDevice.WAIT_SECONDS, TimeUnit.SECONDS));

            assertInstanceOf(IOException.class, failed.getCause());
            assertTrue(failed.getCause().getMessage().startsWith("the server did not negotiate h2 by ALPN"),
                    failed.getCause().getMessage());
        }
    }
}
