package io.commucat.ccp.server.config;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Builds the effective {@link ServerConfig}: defaults, then the TOML file, then environment
 * variables {@code CCP_<SECTION>_<KEY>}, then command-line flags.
 *
 * <p>The environment is passed in (never read from {@link System#getenv()} here) so tests stay
 * hermetic. Unknown keys in the file are rejected: a typo such as {@code auto_aprove_devices}
 * would otherwise leave a security default silently in force. Keys of the original
 * {@code commucat.toml} that this server does not use only produce a warning, and so do
 * {@code CCP_} variables that look like ours but match no key (the environment is shared with
 * other programs, the file is not).
 */
public final class ConfigLoader {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, String> environment;
    private final Consumer<String> warnings;
    private final Supplier<String> nodeIds;

    /**
     * @param environment the variables to consult, normally {@code System.getenv()}
     * @param warnings    receives one line per ignored key or variable
     */
    public ConfigLoader(Map<String, String> environment, Consumer<String> warnings) {
        this(environment, warnings, ConfigLoader::randomNodeId);
    }

    ConfigLoader(Map<String, String> environment, Consumer<String> warnings, Supplier<String> nodeIds) {
        this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
        this.warnings = Objects.requireNonNull(warnings, "warnings");
        this.nodeIds = Objects.requireNonNull(nodeIds, "nodeIds");
    }

    /** The built-in defaults: no file, no variables, no flags. */
    public static ServerConfig defaults() {
        try {
            return new ConfigLoader(Map.of(), w -> { }).load(Optional.empty(), List.of());
        } catch (ConfigException e) {
            throw new IllegalStateException("built-in defaults are invalid: " + e.getMessage(), e);
        }
    }

    /** The environment variable that sets a dotted key: {@code server.bind} → {@code CCP_SERVER_BIND}. */
    public static String environmentVariable(String key) {
        return LayeredSettings.envName(key);
    }

    /**
     * @param file  the TOML file, if any
     * @param flags command-line overrides, applied last
     * @throws ConfigException naming the key (or file) at fault
     */
    public ServerConfig load(Optional<Path> file, List<FlagOverride> flags) throws ConfigException {
        Map<String, Object> fromFile = file.isPresent() ? TomlFile.read(file.get()) : Map.of();
        String origin = file.map(p -> p.toAbsolutePath().normalize().toString()).orElse("defaults");
        LayeredSettings settings = new LayeredSettings(fromFile, origin, environment, flags);
        ServerConfig config = new ConfigBinder(settings, nodeIds).bind();
        for (FlagOverride flag : flags) {
            if (!settings.readKeys().contains(flag.key())) {
                throw new IllegalArgumentException(flag.flag() + " sets unknown key " + flag.key());
            }
        }
        rejectUnknown(settings.unknownFileKeys(), origin, new KnownKeys(settings));
        for (String key : settings.legacyKeysPresent()) {
            warnings.accept(key + ": a setting of the original server that this server does not use; ignored");
        }
        for (String name : settings.unknownEnvNames()) {
            warnings.accept(name + ": no such configuration key; variable ignored");
        }
        return config;
    }

    private static void rejectUnknown(List<String> unknown, String origin, KnownKeys known) throws ConfigException {
        if (unknown.isEmpty()) {
            return;
        }
        String first = unknown.get(0);
        String hint = known.closest(first).map(k -> "; did you mean " + k + "?").orElse("");
        String others = unknown.size() > 1 ? " (also unknown: " + String.join(", ", unknown.subList(1, unknown.size())) + ")" : "";
        throw new ConfigException(ConfigException.Kind.UNKNOWN_KEY, first,
                "unknown key in " + origin + hint + others);
    }

    private static String randomNodeId() {
        byte[] bytes = new byte[6];
        RANDOM.nextBytes(bytes);
        return "node-" + HexFormat.of().formatHex(bytes);
    }

    /** Suggests the nearest known key for a typo, by edit distance. */
    private record KnownKeys(LayeredSettings settings) {

        Optional<String> closest(String unknown) {
            String best = null;
            int bestDistance = Integer.MAX_VALUE;
            for (String key : settings.readKeys()) {
                int d = distance(unknown, key);
                if (d < bestDistance) {
                    best = key;
                    bestDistance = d;
                }
            }
            return bestDistance <= Math.max(2, unknown.length() / 4) ? Optional.ofNullable(best) : Optional.empty();
        }

        private static int distance(String a, String b) {
            int[] prev = new int[b.length() + 1];
            int[] cur = new int[b.length() + 1];
            for (int j = 0; j <= b.length(); j++) {
                prev[j] = j;
            }
            for (int i = 1; i <= a.length(); i++) {
                cur[0] = i;
                for (int j = 1; j <= b.length(); j++) {
                    int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                    cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
                }
                int[] t = prev;
                prev = cur;
                cur = t;
            }
            return prev[b.length()];
        }
    }
}
