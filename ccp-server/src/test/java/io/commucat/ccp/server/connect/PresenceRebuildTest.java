package io.commucat.ccp.server.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.client.handshake.UserHints;
import io.commucat.ccp.crypto.noise.NoisePattern;
import io.commucat.ccp.server.cluster.PresenceRebuild;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** After Redis came back empty, every local session's presence and route is rewritten in one round trip per batch. */
class PresenceRebuildTest extends DefaultConnectFixture {

    @Test
    void everySessionsPresenceAndRouteComeBackInOnePipelinedWrite() throws Exception {
        int devices = 5;
        for (int i = 0; i < devices; i++) {
            new TestDevice(f, "phone-" + i).start(NoisePattern.XK, UserHints.handle("user-" + i)).bootstrap(f.open());
        }
        for (int i = 0; i < devices; i++) {
            // What an empty Redis holds.
            f.presence.clear("phone-" + i, ConnectFixture.NODE);
        }
        int takeRoutes = f.storageThreads.calls("Presence.takeRoutes");

        try (PresenceRebuild rebuild = new PresenceRebuild(f.registry, new RouteTakeover(f.services))) {
            rebuild.run();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (f.presence.route("phone-" + (devices - 1)).isEmpty()) {
                assertTrue(System.nanoTime() < deadline, "routes not rewritten");
                Thread.sleep(10);
            }
        }

        for (int i = 0; i < devices; i++) {
            assertEquals(Optional.of(ConnectFixture.NODE), f.presence.route("phone-" + i));
            assertEquals("online", f.presence.find("phone-" + i).orElseThrow().state());
        }
        assertEquals(takeRoutes + 1, f.storageThreads.calls("Presence.takeRoutes"));
        assertEquals(0, f.storageThreads.calls("Presence.takeRoute"));
    }
}
