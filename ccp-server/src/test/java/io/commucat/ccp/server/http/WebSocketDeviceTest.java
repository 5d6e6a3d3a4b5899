package io.commucat.ccp.server.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.commucat.ccp.client.handshake.DeviceHandshake;
import io.commucat.ccp.client.handshake.DeviceIdentity;
import io.commucat.ccp.client.handshake.UserHints;
import io.commucat.ccp.crypto.Hex;
import io.commucat.ccp.crypto.keys.DeviceKeyPair;
import io.commucat.ccp.crypto.noise.NoiseKeyPair;
import io.commucat.ccp.crypto.noise.NoisePattern;
import io.commucat.ccp.proto.ControlJson;
import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.proto.FrameType;
import io.commucat.ccp.server.config.ConfigLoader;
import io.commucat.ccp.server.config.ServerConfig;
import io.commucat.ccp.server.datadir.DataDirectory;
import io.commucat.ccp.server.datadir.DataDirectoryBootstrap;
import io.commucat.ccp.server.node.CcpNode;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.SslContextBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real devices on a real node (embedded storage) over WebSocket: one bootstraps over RFC 6455 on
 * HTTP/1.1, the other over RFC 8441 on HTTP/2, and they exchange encrypted messages, upstream
 * as binary messages and as base64 text. The session core is the binary mode's, unchanged.
 */
@Timeout(60)
class WebSocketDeviceTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path dir;

    private CcpNode node;
    private Path ca;
    private String domain;
    private byte[] noisePublic;
    private WsDriver h1;
    private WsDriver h2;

    @BeforeEach
    void startNode() throws Exception {
        Map<String, String> env = Map.of("CCP_SERVER_BIND", "127.0.0.1:0",
                "CCP_SERVER_DATA_DIR", dir.resolve("server").toString(),
                "CCP_SECURITY_RATE_LIMIT_REGISTER_BURST", "1000");
        ServerConfig config = new ConfigLoader(env, warning -> { }).load(Optional.empty(), List.of());
        DataDirectory data = new DataDirectoryBootstrap().prepare(config);
        node = CcpNode.start(config, data);
        ca = data.root().resolve(DataDirectory.DEV_CA_CERT);
        HttpResponse<String> info = HttpClient.newBuilder().sslContext(jdkTls()).build().send(
                HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + node.port() + "/api/server-info")).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode json = new ObjectMapper().readTree(info.body());
        domain = json.path("domain").asText();
        noisePublic = Hex.decode(json.path("noise_public").asText());
        assertEquals("websocket", json.path("connect_modes").path(1).asText(), json.path("connect_modes").toString());
    }

    @AfterEach
    void stopNode() {
        if (h1 != null) {
            h1.close();
        }
        if (h2 != null) {
            h2.close();
        }
        node.close();
    }

    private SSLContext jdkTls() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(ca)) {
            trust.setCertificateEntry("dev-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    private DeviceHandshake newDevice(String id, String name) {
        DeviceIdentity identity = new DeviceIdentity(id, DeviceKeyPair.generate(RANDOM),
                NoiseKeyPair.generate(RANDOM), null);
        return new DeviceHandshake(identity, domain, noisePublic, DeviceHandshake.defaultPrologue(), NoisePattern.XK,
                UserHints.handle(name + "-" + System.nanoTime()), RANDOM);
    }

    private static Frame join(long channel, long seq, String... members) {
        var body = ControlJson.object();
        var list = body.putArray("members");
        for (String member : members) {
            list.add(member);
        }
        return Frame.control(FrameType.JOIN, channel, seq, body);
    }

    @Test
    void devicesOverWebSocketOnBothProtocolsExchangeEncryptedMessages() throws Exception {
        h1 = new H1WsDriver(node.port(), H1WsDriver.request("GET", "13", ""), jdkTls());
        h2 = new H2WsDriver(new H2Client(node.port(), SslContextBuilder.forClient().trustManager(ca.toFile())
                .protocols("TLSv1.3").applicationProtocolConfig(new ApplicationProtocolConfig(
                        ApplicationProtocolConfig.Protocol.ALPN, ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, "h2")).build()), Map.of());
        String bobId = "bob-" + System.nanoTime();
        WsDevice alice = WsDevice.bootstrap(h1, newDevice("alice-" + System.nanoTime(), "alice"));
        WsDevice bob = WsDevice.bootstrap(h2, newDevice(bobId, "bob"));
        long channel = ThreadLocalRandom.current().nextLong(1, 1L << 32);

        long aliceJoin = alice.send(seq -> join(channel, seq, bobId));
        assertEquals(FrameType.ACK, alice.answerTo(aliceJoin).type());
        long bobJoin = bob.send(seq -> join(channel, seq));
        assertEquals(FrameType.ACK, bob.answerTo(bobJoin).type());

        byte[] hello = "over RFC 6455".getBytes(StandardCharsets.UTF_8);
        alice.send(seq -> Frame.opaque(FrameType.MSG, channel, seq, hello));
        assertArrayEquals(hello, bob.next(FrameType.MSG).opaque().toByteArray());

        byte[] back = "over RFC 8441, as base64 text".getBytes(StandardCharsets.UTF_8);
        bob.sendAsText(seq -> Frame.opaque(FrameType.MSG, channel, seq, back));
        assertArrayEquals(back, alice.next(FrameType.MSG).opaque().toByteArray());
    }
}
