package io.commucat.ccp.server.cli;

import io.commucat.ccp.server.config.ServerConfig;
import io.commucat.ccp.server.datadir.DataDirectory;

/**
 * The seam between the command line and the network server: {@code ccp serve} loads the
 * configuration, prepares the data directory and hands both over here. The default is
 * {@link NodeStarter}; tests plug in their own.
 */
@FunctionalInterface
public interface ServerStarter {

    /**
     * Starts the server and returns once it listens.
     *
     * @throws Exception whatever prevents the start; reported on one line, exit status 1
     */
    RunningServer start(ServerConfig config, DataDirectory dataDirectory) throws Exception;
}
