package io.commucat.ccp.server.cli;

import io.commucat.ccp.server.config.ServerConfig;
import io.commucat.ccp.server.datadir.DataDirectory;
import java.io.PrintWriter;

/**
 * A {@link ServerStarter} for command-line tests: prints the effective settings, the data
 * directory and how the server would be reached, then "stops" at once.
 */
public final class PrintSettingsStarter implements ServerStarter {

    private final PrintWriter out;

    public PrintSettingsStarter(PrintWriter out) {
        this.out = out;
    }

    @Override
    public RunningServer start(ServerConfig config, DataDirectory dataDirectory) {
        SettingsReport.lines(config, dataDirectory).forEach(out::println);
        out.println(AccessHint.curl(config, dataDirectory, config.server().bind().port()));
        AccessHint.adminToken(config, dataDirectory).ifPresent(out::println);
        out.flush();
        int port = config.server().bind().port();
        return new RunningServer() {
            @Override
            public int port() {
                return port;
            }

            @Override
            public void awaitTermination() {
            }

            @Override
            public void close() {
            }
        };
    }
}
