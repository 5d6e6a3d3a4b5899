package io.commucat.ccp.server.config;

import java.util.Objects;

/**
 * A command-line flag that sets a configuration key; flags win over environment and file.
 *
 * @param key   dotted key, e.g. {@code server.bind}
 * @param flag  the flag as typed, for error messages, e.g. {@code --bind}
 * @param value the raw text
 */
public record FlagOverride(String key, String flag, String value) {

    public FlagOverride {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(flag, "flag");
        Objects.requireNonNull(value, "value");
    }
}
