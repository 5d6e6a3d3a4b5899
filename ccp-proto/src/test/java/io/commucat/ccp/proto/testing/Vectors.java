package io.commucat.ccp.proto.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;

/**
 * Locates and reads the conformance vectors ({@code shared/vectors}). The directory comes from
 * {@code CCP_VECTORS_DIR}, else the {@code ccp.vectors.dir} system property that the build sets,
 * else {@code ../shared/vectors} above the working directory. A missing directory is an error:
 * conformance tests fail, they never skip.
 */
public final class Vectors {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();

    private Vectors() {
    }

    public static Path dir() {
        String env = System.getenv("CCP_VECTORS_DIR");
        if (env != null && !env.isBlank()) {
            return existing(Path.of(env));
        }
        String prop = System.getProperty("ccp.vectors.dir");
        if (prop != null && !prop.isBlank() && Files.isDirectory(Path.of(prop))) {
            return Path.of(prop).toAbsolutePath().normalize();
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolveSibling("shared").resolve("vectors");
            if (Files.isDirectory(candidate)) {
                return candidate.normalize();
            }
        }
        throw new IllegalStateException("conformance vectors not found: set CCP_VECTORS_DIR");
    }

    private static Path existing(Path p) {
        if (!Files.isDirectory(p)) {
            throw new IllegalStateException("CCP_VECTORS_DIR is not a directory: " + p);
        }
        return p.toAbsolutePath().normalize();
    }

    /** Parses one vector file of {@link #dir()}. */
    public static JsonNode load(String fileName) {
        Path file = dir().resolve(fileName);
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read vector file " + file, e);
        }
    }

    /** Lower- or upper-case hex to bytes. */
    public static byte[] hex(String hex) {
        return HEX.parseHex(hex);
    }

    /** Lower-case hex of {@code bytes}. */
    public static String hex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }

    /** The field names of {@code node}, for "no unknown keys" assertions. */
    public static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new TreeSet<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    /**
     * Asserts that {@code node} has only fields from {@code allowed}: an entry the test does not
     * understand is a failure, never silently ignored.
     */
    public static void requireOnlyKnownFields(String where, JsonNode node, Set<String> allowed) {
        Set<String> unknown = fieldNames(node);
        unknown.removeAll(allowed);
        if (!unknown.isEmpty()) {
            throw new AssertionError(where + ": unknown vector fields " + unknown);
        }
    }
}
