package io.commucat.ccp.server.cli;

import io.commucat.ccp.server.config.FlagOverride;
import io.commucat.ccp.server.config.ServerConfig;
import io.commucat.ccp.server.datadir.DataDirectory;
import io.commucat.ccp.server.datadir.DataDirectoryBootstrap;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code ccp serve}: load the configuration, prepare the data directory, start the server. */
@Command(name = "serve",
        description = "Run the server. Settings: defaults < --config FILE < CCP_* variables < flags.",
        mixinStandardHelpOptions = true)
final class ServeCommand implements Callable<Integer> {

    @ParentCommand
    private CcpCommand parent;

    @Mixin
    private SettingsOptions settingsOptions;

    @Option(names = "--bind", paramLabel = "HOST:PORT", description = "Listen address (server.bind), e.g. 127.0.0.1:8443.")
    private String bind;

    @Override
    public Integer call() throws Exception {
        CliContext context = parent.context();
        ServerConfig settings = settingsOptions.load(context, flags());
        DataDirectory directory = new DataDirectoryBootstrap().prepare(settings);
        RunningServer running = context.starter().start(settings, directory);
        Thread hook = new Thread(running::close, "ccp-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            running.awaitTermination();
        } finally {
            removeHook(hook);
            running.close();
        }
        return ExitCodes.OK;
    }

    private List<FlagOverride> flags() {
        List<FlagOverride> flags = new ArrayList<>();
        if (bind != null) {
            flags.add(new FlagOverride("server.bind", "--bind", bind));
        }
        return flags;
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The JVM is already running the hook; nothing to undo.
        }
    }
}
