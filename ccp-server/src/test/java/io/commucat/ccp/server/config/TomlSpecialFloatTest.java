package io.commucat.ccp.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TOML's {@code inf} and {@code nan} are floats like any other (found by ConfigFileFuzzTest: they
 * escaped as a NumberFormatException): where a number or a string belongs they are a wrong type
 * that names the key, and an unknown key holding one is still an unknown key. So is a float with
 * an extreme exponent (found by the same target's corpus: showing it in plain digits took a
 * NegativeArraySizeException, or seconds and a gigabyte).
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

    @Test
    void aFloatWithTheLargestExponentIsAWrongTypeShownInShortForm() {
        ConfigException e = fileError("[server]\nkeepalive = 1e2147483647\n");
        assertEquals(ConfigException.Kind.WRONG_TYPE, e.kind());
        assertTrue(e.getMessage().contains("got 1E+2147483647"), e.getMessage());
    }

    @Test
    void aFloatWithTheSmallestExponentIsAWrongTypeShownInShortForm() {
        ConfigException e = fileError("[limits]\nrelay_ttl = 1e-2147483647\n");
        assertEquals(ConfigException.Kind.WRONG_TYPE, e.kind());
        assertTrue(e.getMessage().length() < 300, e.getMessage().length() + " characters");
    }
}
