package io.commucat.ccp.server.cli;

import io.commucat.ccp.server.config.ServerConfig;
import io.commucat.ccp.server.datadir.DataDirectory;
import io.commucat.ccp.server.node.CcpNode;
import java.io.PrintWriter;

/** Starts a {@link CcpNode} and tells the operator where it listens and how to reach it. */
final class NodeStarter implements ServerStarter {

    private final PrintWriter out;

    NodeStarter(PrintWriter out) {
        this.out = out;
    }

    @Override
    public RunningServer start(ServerConfig config, DataDirectory dataDirectory) throws Exception {
        CcpNode node = CcpNode.start(config, dataDirectory);
        SettingsReport.lines(config, dataDirectory).forEach(out::println);
        out.println(AccessHint.curl(config, dataDirectory, node.port()));
        AccessHint.adminToken(config, dataDirectory).ifPresent(out::println);
        out.flush();
        return node;
    }
}
