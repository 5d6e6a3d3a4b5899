package io.commucat.ccp.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.commucat.ccp.proto.testing.Vectors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The vector directory holds exactly the files some conformance test reads: a new file nobody
 * reads would otherwise pass unnoticed. {@code frames.json} is read by ccp-proto's
 * FrameVectorsTest, the others by this module's tests.
 */
class VectorFilesTest {

    private static final Set<String> UNDERSTOOD =
            Set.of("README.md", "frames.json", "zkp.json", "certificates.json", "noise.json");

    @Test
    void everyVectorFileIsOneATestReads() throws IOException {
        Set<String> present = new TreeSet<>();
        try (Stream<Path> files = Files.list(Vectors.dir())) {
            files.forEach(f -> present.add(f.getFileName().toString()));
        }
        assertEquals(new TreeSet<>(UNDERSTOOD), present);
    }
}
