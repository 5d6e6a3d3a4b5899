package io.commucat.ccp.server.cli;

import io.commucat.ccp.server.config.ConfigException;
import io.commucat.ccp.server.config.ConfigLoader;
import io.commucat.ccp.server.config.FlagOverride;
import io.commucat.ccp.server.config.ServerConfig;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * {@code --config FILE} and {@code --data DIR}, shared by the commands that read the server's
 * settings ({@code serve}, {@code admin}): defaults, then the file, then {@code CCP_*}
 * variables, then flags.
 */
final class SettingsOptions {

    @Option(names = "--config", paramLabel = "FILE", description = "TOML configuration file.")
    private String config;

    @Option(names = "--data", paramLabel = "DIR", description = "Data directory (server.data_dir).")
    private String data;

    /** The settings, with {@code moreFlags} (e.g. {@code --bind}) applied after {@code --data}. */
    ServerConfig load(CliContext context, List<FlagOverride> moreFlags) throws ConfigException {
        ConfigLoader loader = new ConfigLoader(context.environment(), w -> context.err().println("ccp: warning: " + w));
        List<FlagOverride> flags = new ArrayList<>();
        if (data != null) {
            flags.add(new FlagOverride("server.data_dir", "--data", data));
        }
        flags.addAll(moreFlags);
        return loader.load(configFile(), flags);
    }

    private Optional<Path> configFile() throws ConfigException {
        if (config == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Path.of(config));
        } catch (InvalidPathException e) {
            throw new ConfigException(ConfigException.Kind.MALFORMED, null, "--config: not a file name: " + e.getReason());
        }
    }
}
