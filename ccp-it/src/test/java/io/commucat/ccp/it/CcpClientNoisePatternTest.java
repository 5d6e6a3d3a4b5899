package io.commucat.ccp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.commucat.ccp.client.CcpClient;
import io.commucat.ccp.client.CcpSession;
import io.commucat.ccp.client.Enrolment;
import io.commucat.ccp.client.IdentityStore;
import io.commucat.ccp.client.SessionListener;
import io.commucat.ccp.crypto.noise.NoisePattern;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link CcpClient.Builder#noisePattern} against a real node: every bootstrap uses the pattern given. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class CcpClientNoisePatternTest {

    @TempDir
    static Path dir;

    private TestServer server;

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

    private CcpClient client(NoisePattern pattern) {
        return server.builder("unused.json", server.port()).identityStore(IdentityStore.inMemory())
                .noisePattern(pattern).build();
    }

    @Test
    void ikFromTheFirstBootstrap() throws Exception {
        try (CcpClient client = client(NoisePattern.IK)) {
            Enrolment device = client.register("ik-" + System.nanoTime()).get(20, TimeUnit.SECONDS);
            connectAndClose(client);

            assertEquals(List.of("IK", "IK"), server.handshakePatterns(device.deviceId(), 2));
        }
    }

    @Test
    void xkEvenOnceTheServerKeyIsProved() throws Exception {
        try (CcpClient client = client(NoisePattern.XK)) {
            Enrolment device = client.register("xk-" + System.nanoTime()).get(20, TimeUnit.SECONDS);
            connectAndClose(client);
            connectAndClose(client);

            assertEquals(List.of("XK", "XK", "XK"), server.handshakePatterns(device.deviceId(), 3));
        }
    }

    private static void connectAndClose(CcpClient client) throws Exception {
        CcpSession session = client.connect(new SessionListener() { }).get(20, TimeUnit.SECONDS);
        session.close();
        session.closed().get(20, TimeUnit.SECONDS);
    }
}
