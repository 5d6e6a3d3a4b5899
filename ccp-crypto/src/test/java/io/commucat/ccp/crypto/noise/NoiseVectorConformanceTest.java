package io.commucat.ccp.crypto.noise;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.commucat.ccp.proto.testing.Vectors;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Noise vectors in the cacophony format ({@link CacophonyVector}): noise.json of the conformance
 * vectors, and XK/IK entries taken verbatim from cacophony's {@code vectors/cacophony.txt} and
 * snow's {@code tests/vectors/snow.txt}. Every vector, as initiator and as responder, in both
 * engines, reproduces every ciphertext, decrypts every payload and reaches the handshake hash
 * when one is given. Anything not understood is a failure, never a skip.
 */
class NoiseVectorConformanceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Files copied unchanged from the projects that publish the format (entries cut, not edited). */
    private static final List<String> PUBLISHED = List.of("cacophony-xk-ik.txt", "snow-xk-ik.txt");

    @TestFactory
    List<DynamicTest> everyVectorIsReproducedByBothRolesInBothEngines() {
        return everyVectorOf("noise.json", Vectors.load("noise.json"));
    }

    @TestFactory
    List<DynamicTest> vectorsPublishedByCacophonyAndSnowRunAsTheyAre() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String file : PUBLISHED) {
            tests.addAll(everyVectorOf(file, resource(file)));
        }
        return tests;
    }

    @Test
    void snowsVectorsHaveNoHandshakeHashAndEmptyPskListsAndStillRun() {
        JsonNode vector = resource("snow-xk-ik.txt").get("vectors").get(0);
        assertTrue(!vector.has("handshake_hash") && vector.get("init_psks").isEmpty() && vector.get("resp_psks").isEmpty(),
                "the snow entry is the shape under test");
        CacophonyVector read = CacophonyVector.read("snow", vector);
        assertDoesNotThrow(() -> read.check(NoiseEngine.FAST, NoiseRole.RESPONDER));
    }

    @Test
    void aNonEmptyPskListIsRefusedByName() {
        ObjectNode vector = publishedVector().deepCopy();
        vector.putArray("resp_psks").add("54686973206973206d7920417573747269616e20706572737065637469766521");
        AssertionError refused = assertThrows(AssertionError.class, () -> CacophonyVector.read("psk", vector));
        assertTrue(refused.getMessage().contains("resp_psks") && refused.getMessage().contains("psk modifier"),
                refused.getMessage());
    }

    @Test
    void aVectorMarkedFailMustNotReproduce() {
        ObjectNode vector = publishedVector().deepCopy();
        vector.put("fail", true);
        CacophonyVector good = CacophonyVector.read("fail", vector);
        AssertionError passed = assertThrows(AssertionError.class, () -> good.check(NoiseEngine.FAST, NoiseRole.INITIATOR));
        assertTrue(passed.getMessage().contains("marked fail"), passed.getMessage());

        ObjectNode tampered = vector.deepCopy();
        ((ObjectNode) tampered.get("messages").get(1)).put("ciphertext", "00".repeat(48));
        CacophonyVector bad = CacophonyVector.read("fail-tampered", tampered);
        assertDoesNotThrow(() -> bad.check(NoiseEngine.FAST, NoiseRole.INITIATOR));
    }

    @Test
    void hybridAndFallbackVectorsAreRefused() {
        ObjectNode hybrid = publishedVector().deepCopy().put("hybrid", "448");
        assertThrows(AssertionError.class, () -> CacophonyVector.read("hybrid", hybrid));
        ObjectNode fallback = publishedVector().deepCopy().put("fallback", true);
        assertThrows(AssertionError.class, () -> CacophonyVector.read("fallback", fallback));
    }

    @Test
    void aFieldOutsideTheFormatIsRefused() {
        ObjectNode vector = publishedVector().deepCopy().put("init_secret", "00");
        AssertionError refused = assertThrows(AssertionError.class, () -> CacophonyVector.read("unknown", vector));
        assertTrue(refused.getMessage().contains("init_secret"), refused.getMessage());
    }

    private static List<DynamicTest> everyVectorOf(String file, JsonNode json) {
        List<JsonNode> vectors = CacophonyVector.vectorsOf(file, json);
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < vectors.size(); i++) {
            JsonNode vector = vectors.get(i);
            String where = file + " vector " + i + " (" + CacophonyVector.label(vector) + ")";
            for (NoiseEngine engine : NoiseEngine.values()) {
                for (NoiseRole role : NoiseRole.values()) {
                    tests.add(DynamicTest.dynamicTest(where + " as " + role + " with " + engine,
                            () -> CacophonyVector.read(where, vector).check(engine, role)));
                }
            }
        }
        return tests;
    }

    private static ObjectNode publishedVector() {
        return (ObjectNode) resource("cacophony-xk-ik.txt").get("vectors").get(0);
    }

    private static JsonNode resource(String name) {
        try (InputStream in = NoiseVectorConformanceTest.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new AssertionError("test resource " + name + " is missing");
            }
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
