package io.commucat.ccp.server.config;

import java.util.Optional;

/**
 * The configuration cannot be used. The message always starts with the dotted key at fault
 * ({@code server.keepalive: must be a positive integer, got "abc"}), or with the file when no
 * single key is to blame (a TOML syntax error), so it can be shown to an operator as is.
 */
public final class ConfigException extends Exception {

    /** What is wrong, for callers and tests that branch on it. */
    public enum Kind {
        /** A key this server does not know (most often a typo). */
        UNKNOWN_KEY,
        /** A value of the wrong type (a string where an integer belongs). */
        WRONG_TYPE,
        /** A number outside the accepted range. */
        OUT_OF_RANGE,
        /** A value of the right type that does not parse (bind address, hex, URL). */
        MALFORMED,
        /** A key that must be given together with another one is missing. */
        MISSING,
        /** A file named by the configuration (or the configuration file) cannot be read. */
        UNREADABLE_FILE,
        /** The configuration file is not valid TOML. */
        SYNTAX
    }

    private static final long serialVersionUID = 1L;

    private final Kind kind;
    private final String key;

    /**
     * @param kind what is wrong
     * @param key  the dotted key at fault, or {@code null} when the fault is the file as a whole
     * @param detail what is wrong, in words for an operator; never a stack trace
     */
    public ConfigException(Kind kind, String key, String detail) {
        this(kind, key, detail, null);
    }

    public ConfigException(Kind kind, String key, String detail, Throwable cause) {
        super(key == null ? detail : key + ": " + detail, cause);
        this.kind = kind;
        this.key = key;
    }

    public Kind kind() {
        return kind;
    }

    /** The dotted key at fault ({@code server.keepalive}); empty for a file-wide fault. */
    public Optional<String> key() {
        return Optional.ofNullable(key);
    }
}
