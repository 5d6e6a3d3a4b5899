package io.commucat.ccp.server.config;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Coverage-guided fuzzing of the TOML configuration (docs/fuzzing.md): whatever bytes the file
 * holds, loading gives a {@link ServerConfig} or a {@link ConfigException}, never another
 * exception, so an operator always gets a message that names the key or the file.
 */
class ConfigFileFuzzTest {

    private static Path dir;
    private static Path file;

    @BeforeAll
    static void createFile() throws IOException {
        dir = Files.createTempDirectory("ccp-config-fuzz");
        file = dir.resolve("ccp.toml");
    }

    @AfterAll
    static void deleteFile() throws IOException {
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir);
    }

    @FuzzTest
    void configFile(byte[] input) {
        try {
            Files.write(file, input);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            new ConfigLoader(Map.of(), warning -> { }, () -> "node-fuzz").load(Optional.of(file), List.of());
        } catch (ConfigException expected) {
            // the one allowed refusal
        }
    }
}
