package io.commucat.ccp.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TOML's {@code inf} and {@code nan} are floats like any other (found by ConfigFileFuzzTest: they
 * escaped as a NumberFormatException): where a number or a string belongs they are a wrong type
 * that names the key, and an unknown key holding one is still an unknown key.
 */
class TomlSpecialFloatTest {

    @TempDir
    Path dir;

    private ConfigException fileError(String toml) {
        return assertThrows(ConfigException.class, () -> new ConfigFixtures(dir).load(toml));
    }

    @Test
    void infinityWhereAnIntegerBelongsIsAWrongTypeNamingTheKey() {
        ConfigException e = fileError("[server]\nkeepalive = inf\n");
        assertEquals(ConfigException.Kind.WRONG_TYPE, e.kind());
        assertEquals(Optional.of("server.keepalive"), e.key());
    }

    @Test
    void notANumberWhereAStringBelongsIsAWrongTypeNamingTheKey() {
        ConfigException e = fileError("[server]\ndomain = -nan\n");
        assertEquals(ConfigException.Kind.WRONG_TYPE, e.kind());
        assertEquals(Optional.of("server.domain"), e.key());
    }

    @Test
    void anUnknownKeyHoldingInfinityIsAnUnknownKey() {
        ConfigException e = fileError("[limits]\nrelay_tll = +inf\n");
        assertEquals(ConfigException.Kind.UNKNOWN_KEY, e.kind());
        assertEquals(Optional.of("limits.relay_tll"), e.key());
    }
}
