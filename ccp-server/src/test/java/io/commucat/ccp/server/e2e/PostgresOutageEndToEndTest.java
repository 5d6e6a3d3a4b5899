package io.commucat.ccp.server.e2e;

import static io.commucat.ccp.server.e2e.ChannelFrames.assertAcked;
import static io.commucat.ccp.server.e2e.ChannelFrames.msg;
import static io.commucat.ccp.server.e2e.ChannelFrames.nextOfType;
import static io.commucat.ccp.server.e2e.ChannelFrames.openTogether;
import static io.commucat.ccp.server.e2e.ChannelFrames.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.commucat.ccp.client.handshake.UserHints;
import io.commucat.ccp.crypto.noise.NoisePattern;
import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.proto.FrameType;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * A node whose PostgreSQL goes away, reached through a {@link FreezingProxy} (the shared server
 * itself is never touched): restarted (connections reset, new ones refused) or black-holed
 * (packets vanish, nothing answers). Either way a sender's Msg is refused {@code unavailable}
 * (ccp-1.md §4.5) within bounded time, nothing refused is queued or delivered, and once the
 * database is back the node relays again by itself.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PostgresOutageEndToEndTest {

    /** The JDBC socket timeout (10 s) and the pool's connection timeout (5 s), with room to spare. */
    private static final long REFUSAL_WAIT_SECONDS = 40;

    private E2eNodes nodes;
    private FreezingProxy proxy;
    private TestNode node;
    private String proxiedDsn;

    @BeforeAll
    void startANodeBehindAProxy() throws Exception {
        nodes = E2eNodes.open("pgo", PostgresRedisBackend::new);
        String dsn = nodes.backend.environment().get("CCP_STORAGE_POSTGRES_DSN");
        URI postgres = URI.create(dsn.substring("jdbc:".length()));
        proxy = new FreezingProxy(postgres.getHost(), postgres.getPort());
        proxiedDsn = dsn.replace(postgres.getHost() + ":" + postgres.getPort(), "127.0.0.1:" + proxy.port());
        node = nodes.start("node", Map.of("CCP_STORAGE_POSTGRES_DSN", proxiedDsn));
    }

    @AfterEach
    void databaseBack() {
        proxy.thaw();
    }

    @AfterAll
    void stopEverything() {
        try {
            if (nodes != null) {
                nodes.close();
            }
        } finally {
            if (proxy != null) {
                proxy.close();
            }
        }
    }

    @Test
    void whileTheDatabaseRestartsAMsgIsRefusedUnavailableAndRelayedOnceItIsBack() throws Exception {
        assertRefusedUnavailableThenRelayed(proxy::cut);
    }

    @Test
    void whileTheDatabaseIsSilentAMsgIsRefusedUnavailableInBoundedTimeAndRelayedOnceItIsBack() throws Exception {
        assertRefusedUnavailableThenRelayed(proxy::blackHole);
    }

    /** During {@code fault} a Msg gets Error unavailable; once the database is back the pair relays again. */
    private void assertRefusedUnavailableThenRelayed(Runnable fault) throws Exception {
        Pair p = pair();
        fault.run();

        Frame refusal = answer(p.a(), msg(p.a(), p.channel(), "refused"));

        assertEquals(FrameType.ERROR, refusal.type(), refusal.toString());
        assertEquals("unavailable", refusal.control().text("error"));
        proxy.thaw();
        assertRelaysAgain(p);
    }

    @Test
    void aConnectedDeviceKeepsItsRouteWhileTheDatabaseIsAwayLongerThanThePresenceTtl() throws Exception {
        // Keepalive refreshes every 5 s (the floor), presence and routes live 10 s: a refresh that
        // skipped them while PostgreSQL failed would let them expire within the outage.
        TestNode brief = nodes.start("brief", Map.of("CCP_STORAGE_POSTGRES_DSN", proxiedDsn,
                "CCP_SERVER_KEEPALIVE", "1", "CCP_LIMITS_PRESENCE_TTL", "10"));
        TestDevice carol = nodes.newDevice();
        carol.connect(brief, NoisePattern.XK, UserHints.handle(nodes.newHandle()));
        E2eNodes.awaitTrue(() -> brief.state.route(carol.id).isPresent(), "carol routed");
        proxy.cut();

        Thread.sleep(TimeUnit.SECONDS.toMillis(25));

        assertEquals(Optional.of(brief.config.server().nodeId()), brief.state.route(carol.id),
                "the route of a device still connected expired while the database was away");
    }

    /** A Msg is acknowledged and delivered again, and the refused one was neither queued nor delivered. */
    private void assertRelaysAgain(Pair p) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(REFUSAL_WAIT_SECONDS);
        while (true) {
            // The SDK retries an unavailable refusal after a pause; so does this test.
            Frame answer = answer(p.a(), msg(p.a(), p.channel(), "after the return"));
            if (answer.type() == FrameType.ACK) {
                break;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("still refused: " + answer);
            }
            Thread.sleep(500);
        }
        assertEquals("after the return", text(nextOfType(p.b(), FrameType.MSG)), "the refused Msg never arrives");
        assertFalse(node.state.queuedTexts(p.bob().id).contains("refused"), "nothing refused was queued");
    }

    /** The Ack or Error answering {@code sequence}, waiting out the storage timeouts. */
    private static Frame answer(DeviceRun run, long sequence) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(REFUSAL_WAIT_SECONDS);
        while (System.nanoTime() < deadline) {
            Frame frame = run.frames.poll(1, TimeUnit.SECONDS);
            if (frame != null && (frame.type() == FrameType.ACK || frame.type() == FrameType.ERROR)
                    && frame.control().json().path("ack").asLong(-1) == sequence) {
                return frame;
            }
        }
        throw new AssertionError("no answer to " + sequence + " within " + REFUSAL_WAIT_SECONDS + " s");
    }

    private record Pair(TestDevice alice, TestDevice bob, DeviceRun a, DeviceRun b, long channel) {
    }

    private Pair pair() throws Exception {
        TestDevice alice = nodes.newDevice();
        TestDevice bob = nodes.newDevice();
        DeviceRun a = alice.connect(node, NoisePattern.XK, UserHints.handle(nodes.newHandle()));
        DeviceRun b = bob.connect(node, NoisePattern.XK, UserHints.handle(nodes.newHandle()));
        long channel = openTogether(a, b, bob.id);
        return new Pair(alice, bob, a, b, channel);
    }
}
