package io.commucat.ccp.server.config;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The three sources stacked (flag over environment over file) with typed reads. Each read
 * names its key in any error and remembers the key, so whatever the file holds that nobody
 * read is, by construction, an unknown key: there is no second list of keys to drift.
 */
final class LayeredSettings {

    /** A value and where it came from ({@code CCP_SERVER_BIND}, {@code --bind}, the file). */
    record Raw(Object value, String origin) {
    }

    private final Map<String, Object> file;
    private final String fileOrigin;
    private final Map<String, String> env;
    private final Map<String, FlagOverride> flags = new HashMap<>();
    private final Set<String> read = new LinkedHashSet<>();
    private final Set<String> legacyFileKeys = new LinkedHashSet<>();
    private final Set<String> legacyEnvNames = new LinkedHashSet<>();
    private final Map<String, String> envNameToKey = new HashMap<>();

    LayeredSettings(Map<String, Object> file, String fileOrigin, Map<String, String> env, List<FlagOverride> flags) {
        this.file = Map.copyOf(file);
        this.fileOrigin = fileOrigin;
        this.env = Map.copyOf(env);
        flags.forEach(f -> this.flags.put(f.key(), f));
    }

    /** {@code security.rate_limit.http_burst} → {@code CCP_SECURITY_RATE_LIMIT_HTTP_BURST}. */
    static String envName(String key) {
        return "CCP_" + key.replace('.', '_').toUpperCase(Locale.ROOT);
    }

    Optional<Raw> raw(String key) {
        String envName = envName(key);
        String clash = envNameToKey.putIfAbsent(envName, key);
        if (clash != null && !clash.equals(key)) {
            throw new IllegalStateException("keys " + clash + " and " + key + " share " + envName);
        }
        read.add(key);
        FlagOverride flag = flags.get(key);
        if (flag != null) {
            return Optional.of(new Raw(flag.value(), flag.flag()));
        }
        String fromEnv = env.get(envName);
        if (fromEnv != null) {
            return Optional.of(new Raw(fromEnv, envName));
        }
        return Optional.ofNullable(file.get(key)).map(v -> new Raw(v, fileOrigin));
    }

    String string(String key, String fallback) throws ConfigException {
        Optional<Raw> raw = raw(key);
        return raw.isEmpty() ? fallback : text(key, raw.get(), false);
    }

    /** An empty string counts as absent, so {@code CCP_STORAGE_POSTGRES_DSN=} undoes the file. */
    Optional<String> optionalString(String key, boolean secret) throws ConfigException {
        Optional<Raw> raw = raw(key);
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        String text = text(key, raw.get(), secret);
        return text.isBlank() ? Optional.empty() : Optional.of(text);
    }

    /** A non-string value parsed by {@code parser}, whose {@link IllegalArgumentException} says why. */
    <T> Optional<T> optionalParsed(String key, Function<String, T> parser, boolean secret) throws ConfigException {
        Optional<Raw> raw = raw(key);
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        String text = text(key, raw.get(), secret);
        if (text.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(parser.apply(text));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(ConfigException.Kind.MALFORMED, key, e.getMessage() + from(raw.get()));
        }
    }

    <T> T parsed(String key, T fallback, Function<String, T> parser) throws ConfigException {
        return optionalParsed(key, parser, false).orElse(fallback);
    }

    long integer(String key, long fallback, long min, long max) throws ConfigException {
        Optional<Raw> found = raw(key);
        if (found.isEmpty()) {
            return fallback;
        }
        Raw raw = found.get();
        BigInteger value;
        if (raw.value() instanceof BigInteger big) {
            value = big;
        } else if (raw.value() instanceof String s && s.trim().matches("[+-]?[0-9]{1,30}")) {
            // Quoted numbers are accepted: the original's line parser read keepalive = "30".
            value = new BigInteger(s.trim());
        } else {
            throw new ConfigException(ConfigException.Kind.WRONG_TYPE, key,
                    "must be " + integerPhrase(min) + ", got " + show(raw.value()) + from(raw));
        }
        if (value.compareTo(BigInteger.valueOf(min)) < 0 || value.compareTo(BigInteger.valueOf(max)) > 0) {
            throw new ConfigException(ConfigException.Kind.OUT_OF_RANGE, key,
                    "must be between " + min + " and " + max + ", got " + value + from(raw));
        }
        return value.longValue();
    }

    int intValue(String key, int fallback, int min, int max) throws ConfigException {
        return (int) integer(key, fallback, min, max);
    }

    /**
     * A list: a TOML array of strings in the file, or comma-separated text (what a variable or
     * flag can hold; {@code CCP_..=} empties it); each item parsed by {@code parser}, whose
     * {@link IllegalArgumentException} says why. Absent: the empty list.
     */
    <T> List<T> list(String key, Function<String, T> parser) throws ConfigException {
        Optional<Raw> found = raw(key);
        if (found.isEmpty()) {
            return List.of();
        }
        Raw raw = found.get();
        List<String> items = new ArrayList<>();
        if (raw.value() instanceof String text) {
            for (String item : text.split(",", -1)) {
                if (!item.isBlank()) {
                    items.add(item.trim());
                }
            }
        } else if (raw.value() instanceof List<?> values) {
            for (Object value : values) {
                if (!(value instanceof String item)) {
                    throw new ConfigException(ConfigException.Kind.WRONG_TYPE, key,
                            "must be an array of strings, got an item " + show(value) + from(raw));
                }
                items.add(item);
            }
        } else {
            throw new ConfigException(ConfigException.Kind.WRONG_TYPE, key,
                    "must be an array of strings, got " + show(raw.value()) + from(raw));
        }
        List<T> parsed = new ArrayList<>(items.size());
        for (String item : items) {
            try {
                parsed.add(parser.apply(item));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(ConfigException.Kind.MALFORMED, key, e.getMessage() + from(raw));
            }
        }
        return List.copyOf(parsed);
    }

    boolean bool(String key, boolean fallback) throws ConfigException {
        Optional<Raw> found = raw(key);
        if (found.isEmpty()) {
            return fallback;
        }
        Raw raw = found.get();
        if (raw.value() instanceof Boolean b) {
            return b;
        }
        if (raw.value() instanceof String s && (s.trim().equals("true") || s.trim().equals("false"))) {
            return Boolean.parseBoolean(s.trim());
        }
        throw new ConfigException(ConfigException.Kind.WRONG_TYPE, key,
                "must be true or false, got " + show(raw.value()) + from(raw));
    }

    /**
     * Declares a key (or, ending in a dot, a whole table) of the original's template that this
     * server does not use. Such keys load with a warning instead of failing, so an original
     * {@code commucat.toml} still starts the server.
     */
    void legacy(String keyOrPrefix) {
        for (String key : file.keySet()) {
            if (keyOrPrefix.endsWith(".") ? key.startsWith(keyOrPrefix) : key.equals(keyOrPrefix)) {
                legacyFileKeys.add(key);
            }
        }
        if (!keyOrPrefix.endsWith(".")) {
            legacyEnvNames.add(envName(keyOrPrefix));
        }
    }

    /** Every key the binder asked for, in order: the known keys. */
    Set<String> readKeys() {
        return Set.copyOf(read);
    }

    /** File keys that are neither read nor declared legacy, sorted. */
    List<String> unknownFileKeys() {
        Set<String> unknown = new TreeSet<>(file.keySet());
        unknown.removeAll(read);
        unknown.removeAll(legacyFileKeys);
        return List.copyOf(unknown);
    }

    List<String> legacyKeysPresent() {
        List<String> present = new ArrayList<>(legacyFileKeys);
        env.keySet().stream().filter(legacyEnvNames::contains).sorted().forEach(present::add);
        return present;
    }

    /**
     * {@code CCP_} variables that look like ours (their first part names one of our sections)
     * but match no key. Others, such as {@code CCP_VECTORS_DIR}, belong to other tools.
     */
    List<String> unknownEnvNames() {
        Set<String> sections = new TreeSet<>();
        read.forEach(k -> sections.add("CCP_" + k.substring(0, k.indexOf('.')).toUpperCase(Locale.ROOT) + "_"));
        Set<String> unknown = new TreeSet<>();
        for (String name : env.keySet()) {
            if (sections.stream().anyMatch(name::startsWith)
                    && !envNameToKey.containsKey(name) && !legacyEnvNames.contains(name)) {
                unknown.add(name);
            }
        }
        return List.copyOf(unknown);
    }

    private String text(String key, Raw raw, boolean secret) throws ConfigException {
        if (raw.value() instanceof String s) {
            return s;
        }
        throw new ConfigException(ConfigException.Kind.WRONG_TYPE, key,
                "must be a string, got " + (secret ? "a " + typeName(raw.value()) : show(raw.value())) + from(raw));
    }

    private static String integerPhrase(long min) {
        if (min == 1) {
            return "a positive integer";
        }
        return min == 0 ? "a non-negative integer" : "an integer";
    }

    private static String from(Raw raw) {
        return " (from " + raw.origin() + ")";
    }

    /** Shows a bad value: quoted, control characters escaped, long text cut. */
    static String show(Object value) {
        if (value instanceof String s) {
            StringBuilder b = new StringBuilder("\"");
            s.codePoints().limit(60).forEach(c -> {
                if (c < 0x20 || c == 0x7f) {
                    b.append(String.format("\\u%04x", c));
                } else if (c == '"' || c == '\\') {
                    b.append('\\').appendCodePoint(c);
                } else {
                    b.appendCodePoint(c);
                }
            });
            return b.append(s.codePointCount(0, s.length()) > 60 ? "...\"" : "\"").toString();
        }
        if (value instanceof List<?>) {
            return "an array";
        }
        if (value instanceof BigDecimal d) {
            // Plain digits only while short: 1e2147483647 has no plain form that fits in a String.
            return (long) d.precision() + Math.abs((long) d.scale()) <= 60 ? d.toPlainString() : d.toString();
        }
        return String.valueOf(value);
    }

    private static String typeName(Object value) {
        if (value instanceof Boolean) {
            return "boolean";
        }
        if (value instanceof List<?>) {
            return "array";
        }
        return "number";
    }
}
