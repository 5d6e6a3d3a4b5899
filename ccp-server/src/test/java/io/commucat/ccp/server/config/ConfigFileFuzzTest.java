package io.commucat.ccp.server.config;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
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

    /**
     * TOML's tokens and our sections and keys, so mutation reaches the binder, not just the lexer.
     * (libFuzzer's dictionary format takes no raw newline or double quote in an entry.)
     */
    @FuzzTest
    @DictionaryEntries({"inf", "nan", "+inf", "-nan", "true", "false", " = ", "[[", "]]", "'''", "0x", "0o",
        "0b", "1e", "_", "1979-05-27T07:32:00Z", "1979-05-27", "07:32:00", "{", "}",
        "[server]", "[storage]", "[crypto]", "[ledger]", "[limits]", "[pairing]", "[security.rate_limit]",
        "[security.rotation]", "[rotation.device]", "[security.http]", "[admin]", "[federation]",
        "bind", "domain", "keepalive", "data_dir", "node_id", "tls_cert", "tls_key", "postgres_dsn", "redis_url",
        "secrets_key", "prologue", "mode", "target", "token", "relay_ttl", "http_burst", "max_frame_size"})
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
