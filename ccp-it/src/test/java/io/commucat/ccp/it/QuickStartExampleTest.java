package io.commucat.ccp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import example.QuickStart;
import io.commucat.ccp.client.CcpClient;
import io.commucat.ccp.client.CcpSession;
import io.commucat.ccp.client.IncomingMessage;
import io.commucat.ccp.client.SessionListener;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The SDK's example program (docs/examples, the start of docs/sdk.md) run against a real node, as a device maker would run it. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class QuickStartExampleTest {

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

    @Test
    void aFirstRunRegistersANewDeviceAndKeepsItsIdentity() throws Exception {
        Path identity = dir.resolve("first-run.json");

        QuickStart.run(server.uri(), server.caFile(), identity, 11, List.of(), Duration.ZERO);

        assertTrue(Files.readString(identity).contains("\"device_id\""));
    }

    @Test
    void itsMessageReachesAnotherDeviceOfItsUser() throws Exception {
        String peerId;
        try (CcpClient peer = server.client("peer.json"); CcpClient example = server.client("example.json")) {
            peerId = peer.register("peer-" + System.nanoTime()).join().deviceId();
            example.pair(peer.issuePairingCode().join().code()).join();
        }

        QuickStart.run(server.uri(), server.caFile(), dir.resolve("example.json"), 12, List.of(peerId), Duration.ZERO);

        BlockingQueue<IncomingMessage> received = new LinkedBlockingQueue<>();
        try (CcpClient peer = server.client("peer.json")) {
            CcpSession session = peer.connect(new SessionListener() {
                @Override
                public void onMessage(IncomingMessage message) {
                    received.add(message);
                }
            }).join();
            IncomingMessage message = received.poll(10, TimeUnit.SECONDS);
            assertNotNull(message, "nothing within 10 s");
            assertEquals(12, message.channel());
            assertEquals("hello from QuickStart", new String(message.payload(), StandardCharsets.UTF_8));
            session.close();
        }
    }
}
