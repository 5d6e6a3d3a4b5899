package io.commucat.ccp.proto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.commucat.ccp.proto.testing.Vectors;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Conformance to {@code frames.json}: every entry, contiguous and streaming, whole and byte by byte. */
class FrameVectorsTest {

    private static final JsonNode FILE = Vectors.load("frames.json");
    private static final Set<String> VALID_FIELDS = Set.of("name", "frame_type", "type_code", "channel_id",
            "sequence", "payload_kind", "payload_json", "payload_text", "payload_hex", "encoded_hex");
    private static final Set<String> INVALID_FIELDS = Set.of("name", "bytes_hex", "error", "need_more");

    @TestFactory
    Stream<DynamicTest> fileHasOnlyKnownSections() {
        return Stream.of(dynamicTest("frames.json sections", () ->
                Vectors.requireOnlyKnownFields("frames.json", FILE, Set.of("description", "valid", "invalid"))));
    }

    @TestFactory
    Stream<DynamicTest> validEntriesDecodeToTheirFieldsAndReencode() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode entry : FILE.get("valid")) {
            tests.add(dynamicTest(entry.get("name").asText(), () -> checkValid(entry)));
        }
        assertTrue(tests.size() > 0, "frames.json has valid entries");
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> invalidEntriesFailWithTheirKind() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode entry : FILE.get("invalid")) {
            tests.add(dynamicTest(entry.get("name").asText(), () -> checkInvalid(entry)));
        }
        assertTrue(tests.size() > 0, "frames.json has invalid entries");
        return tests.stream();
    }

    private static void checkValid(JsonNode entry) throws Exception {
        String name = entry.get("name").asText();
        Vectors.requireOnlyKnownFields(name, entry, VALID_FIELDS);
        byte[] encoded = Vectors.hex(entry.get("encoded_hex").asText());
        FrameType type = FrameType.fromWireName(entry.get("frame_type").asText());
        assertNotNull(type, "known frame type");
        assertEquals(entry.get("type_code").asInt(), type.code());
        PayloadKind kind = switch (entry.get("payload_kind").asText()) {
            case "control" -> PayloadKind.CONTROL;
            case "opaque" -> PayloadKind.OPAQUE;
            default -> throw new AssertionError("unknown payload_kind");
        };
        assertEquals(kind, type.payloadKind());

        FrameCodec.Decoded decoded = FrameCodec.standard().decodeFirst(encoded);
        assertEquals(encoded.length, decoded.length(), "the whole encoding is one frame");
        Frame frame = decoded.frame();
        assertEquals(type, frame.type());
        assertEquals(entry.get("channel_id").asLong(), frame.channelId());
        assertEquals(entry.get("sequence").asLong(), frame.sequence());

        Frame expected;
        if (kind == PayloadKind.CONTROL) {
            ObjectNode json = (ObjectNode) entry.get("payload_json");
            assertEquals(json, frame.control().json());
            byte[] text = entry.get("payload_text").asText().getBytes(StandardCharsets.UTF_8);
            assertArrayEquals(text, frame.control().toByteArray(), "decoded bytes are kept as received");
            expected = Frame.control(type, frame.channelId(), frame.sequence(), json);
            // Control frames re-encode to bytes that decode to an equal object.
            Frame again = FrameCodec.standard().decodeFirst(FrameCodec.encode(expected)).frame();
            assertEquals(frame, again);
        } else {
            byte[] payload = Vectors.hex(entry.get("payload_hex").asText());
            assertArrayEquals(payload, frame.opaque().toByteArray());
            expected = Frame.opaque(type, frame.channelId(), frame.sequence(), payload);
            assertArrayEquals(encoded, FrameCodec.encode(expected), "opaque frames re-encode exactly");
        }
        assertEquals(expected, frame);
        // Re-encoding the decoded frame gives back the exact bytes received.
        assertArrayEquals(encoded, FrameCodec.encode(frame));

        assertEquals(List.of(frame), new StreamingFrameDecoder().decode(encoded), "streaming, whole");
        assertEquals(List.of(frame), decodeByteByByte(encoded), "streaming, byte by byte");
    }

    private static void checkInvalid(JsonNode entry) {
        String name = entry.get("name").asText();
        Vectors.requireOnlyKnownFields(name, entry, INVALID_FIELDS);
        byte[] bytes = Vectors.hex(entry.get("bytes_hex").asText());
        CodecException.Kind kind = kindOf(entry.get("error").asText());
        boolean needMore = entry.has("need_more") && entry.get("need_more").asBoolean();

        CodecException contiguous = assertThrows(CodecException.class, () -> FrameCodec.standard().decodeFirst(bytes));
        assertEquals(kind, contiguous.kind(), "contiguous decode");

        if (needMore) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            assertDoesNotDecode(() -> FrameCodec.standard().decode(buffer));
            assertEquals(0, buffer.position(), "need more consumes nothing");

            StreamingFrameDecoder whole = new StreamingFrameDecoder();
            assertEquals(List.of(), assertNoError(() -> whole.decode(bytes)));
            assertEquals(bytes.length, whole.bufferedBytes(), "bytes are kept for later");
            StreamingFrameDecoder single = new StreamingFrameDecoder();
            assertEquals(List.of(), assertNoError(() -> decodeByteByByte(single, bytes)));
            assertEquals(bytes.length, single.bufferedBytes());
            if (bytes.length > 0) {
                CodecException atEnd = assertThrows(CodecException.class, single::endOfStream);
                assertEquals(CodecException.Kind.UNEXPECTED_EOF, atEnd.kind(), "a stream that ends there is truncated");
            } else {
                assertNoError(() -> {
                    single.endOfStream();
                    return null;
                });
            }
        } else {
            CodecException streamed = assertThrows(CodecException.class, () -> new StreamingFrameDecoder().decode(bytes));
            assertEquals(kind, streamed.kind(), "streaming, whole");
            CodecException single = assertThrows(CodecException.class, () -> decodeByteByByte(bytes));
            assertEquals(kind, single.kind(), "streaming, byte by byte");
        }
    }

    static List<Frame> decodeByteByByte(byte[] bytes) throws CodecException {
        return decodeByteByByte(new StreamingFrameDecoder(), bytes);
    }

    static List<Frame> decodeByteByByte(StreamingFrameDecoder decoder, byte[] bytes) throws CodecException {
        List<Frame> frames = new ArrayList<>();
        for (byte b : bytes) {
            decoder.decode(ByteBuffer.wrap(new byte[] {b}), frames::add);
        }
        return frames;
    }

    private static CodecException.Kind kindOf(String label) {
        for (CodecException.Kind k : CodecException.Kind.values()) {
            if (k.label().equals(label)) {
                return k;
            }
        }
        throw new AssertionError("unknown error kind in vectors: " + label);
    }

    private interface Decode<T> {
        T run() throws CodecException;
    }

    private static void assertDoesNotDecode(Decode<Frame> decode) {
        assertEquals(null, assertNoError(decode), "need more bytes");
    }

    private static <T> T assertNoError(Decode<T> decode) {
        try {
            return decode.run();
        } catch (CodecException e) {
            throw new AssertionError("expected need-more, got " + e.kind(), e);
        }
    }
}
