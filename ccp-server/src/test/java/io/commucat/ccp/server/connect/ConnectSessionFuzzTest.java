package io.commucat.ccp.server.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.commucat.ccp.proto.CodecException;
import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.proto.FrameType;
import io.commucat.ccp.proto.StreamingFrameDecoder;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Coverage-guided fuzzing of the bootstrap (ccp-1.md §3, §4.5; docs/fuzzing.md): arbitrary
 * upstream bytes, in arbitrary chunks, fed to a fresh {@link ConnectSession} without a socket,
 * as {@link ConnectSessionTest} does, followed by the end of the upstream.
 *
 * <p>Contract: nothing escapes the session's methods; the session always ends (closed stream,
 * state CLOSED) and says why in plain frames a device can decode: at most the server's Auth,
 * then at most one {@code Error} naming {@code decode} or {@code handshake}.
 *
 * <p>The server's Noise key is fixed, so the committed Hellos (made by the SDK) pass the proof
 * and the Noise message and lead the fuzzer into device resolution and the Auth stage.
 */
class ConnectSessionFuzzTest {

    /** The server's Noise static private key for every run; the seed corpus was made against it. */
    static final byte[] NOISE_SEED = new byte[32];

    static {
        for (int i = 0; i < NOISE_SEED.length; i++) {
            NOISE_SEED[i] = (byte) (0x40 + i);
        }
    }

    private static final Set<String> BOOTSTRAP_ERRORS = Set.of("decode", "handshake");
    private static final Set<String> FAILURE_REASONS = Set.of("decode", "handshake", "client-closed", "read");

    private static Path dir;
    private static ConnectFixture fixture;

    @BeforeAll
    static void startNode() throws Exception {
        dir = Files.createTempDirectory("ccp-connect-fuzz");
        fixture = new ConnectFixture(dir, ConnectFixture.PolicyChange.NONE, NOISE_SEED);
    }

    @AfterAll
    static void stopNode() throws Exception {
        fixture.close();
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** First byte: chunk sizes (0 is one byte at a time); the rest: what the device sends. */
    @FuzzTest
    void bootstrapBytes(byte[] input) throws Exception {
        int maxChunk = input.length == 0 ? 1 : (input[0] & 0xFF) + 1;
        ConnectFixture.Stream stream = fixture.open();
        for (int offset = 1, i = 0; offset < input.length; i++) {
            int length = Math.min(1 + (i * 31 + maxChunk / 2) % maxChunk, input.length - offset);
            byte[] chunk = Arrays.copyOfRange(input, offset, offset + length);
            stream.send(chunk);
            offset += length;
        }
        stream.endUpstream();

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!stream.down.isClosed()) {
            assertTrue(System.nanoTime() < deadline, "the session ends after the upstream ended; state " + stream.state());
            Thread.sleep(1);
        }
        assertEquals(ConnectSession.State.CLOSED, stream.state());
        assertAuthThenAtMostOneError(stream.down.drain());
        for (String failure : fixture.failures) {
            String reason = failure.contains(":") ? failure.substring(0, failure.indexOf(':')) : failure;
            assertTrue(FAILURE_REASONS.contains(reason), "failure reason " + failure);
        }
        fixture.failures.clear();
        fixture.established.clear();
    }

    private static void assertAuthThenAtMostOneError(byte[] written) {
        List<Frame> frames = new ArrayList<>();
        StreamingFrameDecoder decoder = new StreamingFrameDecoder();
        try {
            decoder.decode(ByteBuffer.wrap(written), frames::add);
            decoder.endOfStream();
        } catch (CodecException e) {
            throw new AssertionError("the session wrote bytes a device cannot decode: " + e.kind(), e);
        }
        int next = 0;
        if (next < frames.size() && frames.get(next).type() == FrameType.AUTH) {
            next++;
        }
        if (next < frames.size()) {
            Frame error = frames.get(next++);
            assertEquals(FrameType.ERROR, error.type(), "after the Auth only an Error: " + frames);
            assertEquals(0, error.channelId(), "bootstrap errors are on channel 0");
            assertTrue(BOOTSTRAP_ERRORS.contains(error.control().text("error")), "error " + error);
        }
        assertEquals(frames.size(), next, "nothing after the Error: " + frames);
    }
}
