package io.commucat.ccp.server.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.commucat.ccp.client.handshake.DeviceHandshake;
import io.commucat.ccp.client.handshake.DeviceIdentity;
import io.commucat.ccp.client.handshake.UserHints;
import io.commucat.ccp.crypto.keys.DeviceKeyPair;
import io.commucat.ccp.crypto.noise.NoiseKeyPair;
import io.commucat.ccp.crypto.noise.NoisePattern;
import io.commucat.ccp.proto.ControlJson;
import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.proto.FrameType;
import io.commucat.ccp.server.config.ServerConfig;
import io.commucat.ccp.server.connect.ConnectFixture;
import io.commucat.ccp.server.connect.ConnectHandler;
import io.commucat.ccp.server.http.ProbeHandler.Probe;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@code /connect} transport adapter must do, whatever its mode (issue #18): each
 * mode extends this class with a {@link ConnectClient} for its client side, so HTTP/2,
 * HTTP/1.1 chunked, WebSocket, SSE and long-poll are proved against the same behaviours. The
 * server is a real {@link CcpServer} over real TLS; behind it a {@link ProbeHandler} stands in
 * for the session core, except in the last test, where real sessions meet a real device.
 *
 * <p>Where a mode cannot do what a behaviour needs, the subclass declares it and the test asserts
 * the mode's own equivalent instead (never skipped): how the upload ends ({@link UploadEnd}), and
 * how soon the loss of the transport shows ({@link #transportLossNoticedWithin()}).
 *
 * <p>After every test, every stream must have been called on its own event loop only, and never
 * after its end (the rules of {@code ConnectStream}).
 */
@Timeout(60)
abstract class AbstractConnectTransportTest {

    /** A small downstream window, so that a reader falls behind after little data. */
    static final int WINDOW = 64 * 1024;
    private static final long WAIT_SECONDS = 10;
    /** The size of the pieces the flooding tests write. */
    private static final int PIECE = 16 * 1024;
    /** More than any client's buffers take: a fill that reaches it found a window that never fills. */
    private static final long FILL_CAP = 16L * 1024 * 1024;

    @TempDir
    Path dataDir;

    private final ProbeHandler probe = new ProbeHandler();
    private final List<ConnectClient> clients = new ArrayList<>();
    private final List<TestServer> servers = new ArrayList<>();
    private TestServer server;

    /** How a client ends its upload in a mode, and what the session is told. */
    enum UploadEnd {
        /**
         * The request body ends (END_STREAM, the last chunk): the session is told once
         * ({@code onUpstreamEnd}) and the response stays open until the session closes it.
         */
        HALF_CLOSE,
        /**
         * WebSocket has no half-close: the client's Close ends the whole exchange. The session is
         * told the transport closed, once, never {@code onUpstreamEnd}, and the response ends.
         */
        CLOSE,
        /**
         * The companion of SSE and long-poll: the upload is a series of POSTs with no end of its
         * own. It ends with the session: once the session closed its downstream, a POST is 404.
         */
        WITH_THE_SESSION
    }

    /** Opens a {@code /connect} stream in this mode on a new connection to {@code port}. */
    protected abstract ConnectClient connect(int port) throws Exception;

    /** The mode the response head names in {@code x-commucat-connect-mode}. */
    protected abstract String mode();

    /** The response's {@code content-type} in this mode. */
    protected abstract String contentType();

    /**
     * How many upload bytes the session may get, echoing each, while nobody reads its answers:
     * the server's windows plus what the client's and the kernel's buffers take. The default
     * allows a kernel send buffer of a few MiB (TCP autotuning). The test uploads twice as much.
     */
    protected long maxReadWhileBehind() {
        return 8L * 1024 * 1024;
    }

    /** How the upload ends in this mode. */
    protected UploadEnd uploadEnd() {
        return UploadEnd.HALF_CLOSE;
    }

    /** The status of an accepted {@code /connect} (101 for an RFC 6455 upgrade). */
    protected String acceptedStatus() {
        return "200";
    }

    /**
     * How soon the session hears of a client that vanished without a word. At once but for
     * long-poll, whose browser is between polls most of the time: there it is {@code poll_grace}.
     */
    protected Duration transportLossNoticedWithin() {
        return Duration.ofSeconds(WAIT_SECONDS);
    }

    /** The server's downstream settings for this mode (a small window for all). */
    protected ServerConfig.Downstream downstream() {
        return new ServerConfig.Downstream(WINDOW, Duration.ofSeconds(60));
    }

    /** The server behind which the probe stands. */
    protected final TestServer server() {
        return server;
    }

    @BeforeEach
    void start() throws Exception {
        server = serverWith(probe);
    }

    @AfterEach
    void stop() {
        clients.forEach(ConnectClient::close);
        servers.forEach(TestServer::close);
        for (Probe stream : probe.all) {
            assertEquals(List.of(), stream.violations);
            assertTrue(stream.openThread.startsWith(EventLoops.THREAD_PREFIX), stream.openThread);
        }
    }

    @Test
    void theResponseHeadNamesTheModeBeforeAnyByte() throws Exception {
        ConnectClient client = open(server);
        Map<String, String> head = client.head().get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals(acceptedStatus(), head.get(":status"));
        assertEquals(mode(), head.get("x-commucat-connect-mode"));
        assertEquals(contentType(), head.get("content-type"));
        assertEquals("no-store", head.get("cache-control"));
        probe.awaitOpened();
        assertTrue(client.downstream().isEmpty());
    }

    @Test
    void upstreamBytesReachTheSessionInOrderWhateverTheChunking() throws Exception {
        ConnectClient client = open(server);
        Probe stream = probe.awaitOpened();
        byte[] payload = random(64 * 1024, 1);
        Random sizes = new Random(2);
        for (int off = 0; off < payload.length;) {
            int n = Math.min(1 + sizes.nextInt(4096), payload.length - off);
            client.send(Arrays.copyOfRange(payload, off, off + n));
            off += n;
        }
        Probe.await(stream::received, payload.length, "bytes received");
        assertArrayEquals(payload, stream.upstream());
    }

    @Test
    void oneByteWritesReachTheSessionIntact() throws Exception {
        ConnectClient client = open(server);
        Probe stream = probe.awaitOpened();
        byte[] payload = random(300, 3);
        for (byte b : payload) {
            client.send(new byte[] {b});
        }
        Probe.await(stream::received, payload.length, "bytes received");
        assertArrayEquals(payload, stream.upstream());
    }

    @Test
    void eachDownstreamWriteArrivesIntactAndInOrder() throws Exception {
        ConnectClient client = open(server);
        Probe stream = probe.awaitOpened();
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        // Around the sizes that matter: one byte, a TLS record, an HTTP/2 frame, beyond the window.
        int[] sizes = {1, 2, 100, 16_384, 16_385, 100_000, 3, 40_000};
        for (int i = 0; i < sizes.length; i++) {
            byte[] piece = random(sizes[i], 10 + i);
            stream.write(piece);
            written.write(piece);
        }
        assertArrayEquals(written.toByteArray(), read(client, written.size()));
    }

    @Test
    void answersComeBackWhileTheUploadIsStillOpen() throws Exception {
        probe.echo = true;
        ConnectClient client = open(server);
        Probe stream = probe.awaitOpened();
        for (int i = 0; i < 20; i++) {
            byte[] piece = ("frame-" + i + ";").getBytes(StandardCharsets.US_ASCII);
            client.send(piece);
            // Full duplex: each answer comes back before the next piece goes up.
            assertArrayEquals(piece, read(client, piece.length));
        }
        assertFalse(client.ended().isDone());
        assertEquals(0, stream.upstreamEnds.get());
    }

    @Test
    void closingTheDownstreamEndsTheResponse() throws Exception {
        ConnectClient client = open(server);
        Probe stream = probe.awaitOpened();
        byte[] last = "last words".getBytes(StandardCharsets.US_ASCII);
        stream.write(last);
        stream.close();
        assertArrayEquals(last, read(client, last.length));
        client.ended().get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    @Test
    void endingTheUploadReachesTheSessionOnce() throws Exception {
        ConnectClient client = open(server);
        Probe stream = probe.awaitOpened();
        client.send(new byte[] {1, 2, 3});
        switch (uploadEnd()) {
            case HALF_CLOSE -> {
                client.endUpstream();
                Probe.await(stream.upstreamEnds::get, 1, "upload ends");
                assertArrayEquals(new byte[] {1, 2, 3}, stream.upstream());
                stream.close();
                client.ended().get(WAIT_SECONDS, TimeUnit.SECONDS);
                assertEquals(1, stream.upstreamEnds.get());
            }
            case CLOSE -> {
                client.endUpstream();
                Probe.await(stream.transportCloses::get, 1, "transport closes");
                assertArrayEquals(new byte[] {1, 2, 3}, stream.upstream());
                client.ended().get(WAIT_SECONDS, TimeUnit.SECONDS);
                stream.onLoop(() -> null); // whatever the transport still had queued on the loop has run
                assertEquals(1, stream.transportCloses.get());
                assertEquals(0, stream.upstreamEnds.get(), "a Close is not a half-close");
            }
            case WITH_THE_SESSION -> {
                Probe.await(stream::received, 3, "bytes received");
                stream.close();
                client.ended().get(WAIT_SECONDS, TimeUnit.SECONDS);
                CompanionUpload.Refused late = assertThrows(CompanionUpload.Refused.class,
                        () -> client.send(new byte[] {4}));
                assertEquals(404, late.status, "the upload ended with the session");
                assertArrayEquals(new byte[] {1, 2, 3}, stream.upstream());
                assertEquals(0, stream.upstreamEnds.get());
            }
        }
    }

    @Test
    void cuttingTheTransportReachesTheSessionExactlyOnce() throws Exception {
        ConnectClient client = open(server);
        Probe stream = probe.awaitOpened();
        client.send(new byte[] {7});
        Probe.await(stream::received, 1, "bytes received");
        client.cut();
        Probe.await(stream.transportCloses::get, 1, "transport closes", transportLossNoticedWithin());
        stream.onLoop(() -> null); // whatever the transport still had queued on the loop has run
        assertEquals(1, stream.transportCloses.get());
    }

    @Test
    void aReaderThatStopsReadingRunsOutOfRoomAndIsToldWhenItReadsAgain() throws Exception {
        ConnectClient client = open(server);
        Probe stream = probe.awaitOpened();
        client.head().get(WAIT_SECONDS, TimeUnit.SECONDS);
        client.pauseReading();
        byte[] piece = random(16 * 1024, 5);
        long cap = 4 * FILL_CAP;
        long written = 0;
        int readies;
        do {
            // Whatever the client's own buffers take (its flow-control window, its socket) drains
            // at once and brings an onReady: fill again until nothing drains any more.
            readies = stream.readies.get();
            written += fill(stream, piece);
            assertTrue(written < cap, "the reader's window never filled; " + written + " bytes written");
        } while (awaitCount(stream.readies::get, readies + 1, Duration.ofSeconds(1)));
        assertTrue(stream.room() <= 0, "the reader is behind");

        client.resumeReading();
        Probe.await(stream.readies::get, readies + 1, "onReady");
        byte[] received = read(client, (int) written);
        for (int off = 0; off < received.length; off += piece.length) {
            assertArrayEquals(piece, Arrays.copyOfRange(received, off, off + piece.length), "piece at " + off);
        }
        assertEquals(readies + 1, stream.readies.get(), "one onReady per time room() ran out");
        assertEquals(0, stream.transportCloses.get(), "a reader that is behind is paced, not cut");
    }

    /** Sends {@code payload} in {@link #PIECE}-sized pieces from another thread; done when all went out. */
    private static CompletableFuture<Void> uploadInPieces(ConnectClient client, byte[] payload) {
        return CompletableFuture.runAsync(() -> {
            try {
                for (int off = 0; off < payload.length; off += PIECE) {
                    client.send(Arrays.copyOfRange(payload, off, off + PIECE));
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /**
     * Binary and WebSocket hold the upload in the transport (TCP, the stream's window); a
     * companion's {@code send} returns at its POST's 204, which the server gives only once the
     * bytes went to the session: there the upload is held by a POST left waiting. Either way the
     * upload does not finish and the session is fed a bounded amount.
     */
    @Test
    void theUploadIsNotReadWhileTheReaderIsBehind() throws Exception {
        probe.echo = true;
        ConnectClient client = open(server);
        Probe stream = probe.awaitOpened();
        client.head().get(WAIT_SECONDS, TimeUnit.SECONDS);
        client.pauseReading();
        // Twice what the session may get while behind, so that holding back shows.
        int pieces = (int) (2 * maxReadWhileBehind() / PIECE) + 1;
        byte[] payload = random(pieces * PIECE, 7);
        CompletableFuture<Void> upload = uploadInPieces(client, payload);
        int readWhileBehind = awaitNoProgress(stream);
        assertTrue(readWhileBehind <= maxReadWhileBehind(),
                "the session was fed " + readWhileBehind + " bytes while nobody read its answers");
        assertFalse(upload.isDone(), "the upload is held back (in the transport, or a POST waits for its 204)");

        client.resumeReading();
        assertArrayEquals(payload, read(client, payload.length));
        upload.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertArrayEquals(payload, stream.upstream());
        assertEquals(0, stream.transportCloses.get());
    }

    /**
     * Storage back-pressure (docs/relay.md): while the session takes no upstream, it is fed at
     * most what one read already asked for (one piece); the upload stalls in the transport (or
     * a POST waits for its 204), and goes on, whole and in order, once the session takes
     * upstream again.
     */
    @Test
    void theUploadIsNotReadWhileTheSessionTakesNoUpstreamAndGoesOnWhenItDoes() throws Exception {
        ConnectClient client = open(server);
        Probe stream = probe.awaitOpened();
        client.head().get(WAIT_SECONDS, TimeUnit.SECONDS);
        stream.pauseIntake();
        int pieces = (int) (2 * maxReadWhileBehind() / PIECE) + 1;
        byte[] payload = random(pieces * PIECE, 11);
        CompletableFuture<Void> upload = uploadInPieces(client, payload);

        int readWhilePaused = awaitNoProgress(stream);

        assertTrue(readWhilePaused <= PIECE, "the session was fed " + readWhilePaused + " bytes while it took none");
        assertFalse(upload.isDone(), "the upload is held back (in the transport, or a POST waits for its 204)");
        stream.resumeIntake();
        upload.get(WAIT_SECONDS, TimeUnit.SECONDS);
        Probe.await(stream::received, payload.length, "bytes received");
        assertArrayEquals(payload, stream.upstream());
        assertEquals(0, stream.transportCloses.get());
    }

    @Test
    void serverShutdownTellsEveryOpenStream() throws Exception {
        ConnectClient client = open(server);
        Probe stream = probe.awaitOpened();
        client.head().get(WAIT_SECONDS, TimeUnit.SECONDS);
        CompletableFuture<Void> stopped = CompletableFuture.runAsync(server::close);
        Probe.await(stream.shutdowns::get, 1, "shutdowns");
        assertArrayEquals(ProbeHandler.BYE, read(client, ProbeHandler.BYE.length));
        client.ended().get(WAIT_SECONDS, TimeUnit.SECONDS);
        client.close();
        stopped.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals(1, stream.shutdowns.get());
    }

    @Test
    void aDeviceBootstrapsAndExchangesEncryptedFramesWithARealSession() throws Exception {
        try (ConnectFixture node = new ConnectFixture(dataDir, ConnectFixture.PolicyChange.NONE)) {
            TestServer sessions = serverWith(ConnectHandler.sessions(node.services));
            ConnectClient client = open(sessions);
            SecureRandom random = new SecureRandom();
            DeviceIdentity identity = new DeviceIdentity("phone-1", DeviceKeyPair.generate(random),
                    NoiseKeyPair.generate(random), null);
            WireDevice device = new WireDevice(client, new DeviceHandshake(identity, ConnectFixture.DOMAIN,
                    node.serverNoisePublic(), DeviceHandshake.defaultPrologue(), NoisePattern.XK,
                    UserHints.handle("alice"), random));
            device.bootstrap();

            long seq = device.send(s -> {
                ObjectNode body = ControlJson.object();
                body.putArray("members");
                return Frame.control(FrameType.JOIN, 42, s, body);
            });
            Frame answer = device.next();
            assertEquals(FrameType.ACK, answer.type(), answer.toString());
            assertEquals(seq, answer.control().json().path("ack").asLong());
            sessions.close();
            // No storage call ran on a real event loop, bootstrap and shutdown included.
            assertTrue(node.storageThreadNames().stream().noneMatch(t -> t.startsWith(EventLoops.THREAD_PREFIX)),
                    node.storageThreadNames().toString());
        }
    }

    // ---- helpers ----

    private TestServer serverWith(ConnectHandler handler) throws Exception {
        // TestServer's echo handler is replaced by the one under test.
        TestServer started = new TestServer(new EchoHandler(), b -> b.connectHandler(handler)
                .downstream(downstream()));
        servers.add(started);
        return started;
    }

    private ConnectClient open(TestServer on) throws Exception {
        ConnectClient client = connect(on.port());
        clients.add(client);
        return client;
    }

    /** Exactly {@code n} downstream bytes (fails on fewer within the wait, or on more). */
    private static byte[] read(ConnectClient client, int n) throws InterruptedException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(n);
        while (bytes.size() < n) {
            byte[] piece = client.downstream().poll(WAIT_SECONDS, TimeUnit.SECONDS);
            if (piece == null) {
                throw new AssertionError("got " + bytes.size() + " of " + n + " bytes; ended: "
                        + client.ended().isDone());
            }
            bytes.writeBytes(piece);
        }
        assertEquals(n, bytes.size(), "more bytes than written");
        return bytes.toByteArray();
    }

    /**
     * On the stream's loop, as a session producing on its own would: writes while the reader has
     * room, and returns how much it wrote once {@code room()} said there was none.
     */
    private static long fill(Probe stream, byte[] piece) throws Exception {
        return stream.onLoop(() -> {
            long written = 0;
            while (stream.downstream.room() > 0 && written < FILL_CAP) {
                stream.downstream.write(stream.nextFrame(), piece);
                written += piece.length;
            }
            return written;
        });
    }

    /** Whether {@code counter} reaches {@code expected} within {@code wait}. */
    private static boolean awaitCount(IntSupplier counter, int expected, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (counter.getAsInt() < expected) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    /** Waits (bounded) until the session is fed nothing more for a while; returns what it got. */
    private static int awaitNoProgress(Probe stream) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int last = -1;
        int current = stream.received();
        while (current != last) {
            assertTrue(System.nanoTime() < deadline, "the session is still being fed: " + current + " bytes");
            Thread.sleep(500);
            last = current;
            current = stream.received();
        }
        return current;
    }

    private static byte[] random(int n, long seed) {
        byte[] bytes = new byte[n];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
