package io.commucat.ccp.server.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Writes TOML files and runs the loader with a fake environment, collecting warnings. */
final class ConfigFixtures {

    final List<String> warnings = new ArrayList<>();
    private final Path dir;

    ConfigFixtures(Path dir) {
        this.dir = dir;
    }

    Path toml(String text) throws IOException {
        Path file = Files.createTempFile(dir, "ccp", ".toml");
        Files.writeString(file, text);
        return file;
    }

    ServerConfig load(String toml) throws Exception {
        return load(toml, Map.of());
    }

    ServerConfig load(String toml, Map<String, String> env, FlagOverride... flags) throws Exception {
        return new ConfigLoader(env, warnings::add).load(Optional.of(toml(toml)), List.of(flags));
    }

    ServerConfig loadEnv(Map<String, String> env, FlagOverride... flags) throws ConfigException {
        return new ConfigLoader(env, warnings::add).load(Optional.empty(), List.of(flags));
    }
}
