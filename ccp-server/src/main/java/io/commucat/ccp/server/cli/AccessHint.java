package io.commucat.ccp.server.cli;

import io.commucat.ccp.server.config.BindAddress;
import io.commucat.ccp.server.config.ServerConfig;
import io.commucat.ccp.server.datadir.DataDirectory;
import java.util.Optional;

/** The one line that tells an operator how to reach the server, e.g. a {@code curl} command. */
public final class AccessHint {

    private AccessHint() {
    }

    /**
     * @param port the port actually listened on
     * @return {@code curl --cacert <data>/dev-ca.pem https://localhost:8443/healthz} for the dev
     *     certificate, or the same against {@code server.domain} for a configured one
     */
    public static String curl(ServerConfig config, DataDirectory directory, int port) {
        BindAddress bind = config.server().bind();
        if (directory.tls().developmentCa().isPresent()) {
            // The dev certificate names localhost, 127.0.0.1 and ::1 only: reach any other
            // address under the name localhost.
            String resolve = bind.isWildcard() || isLoopback(bind.host()) ? ""
                    : " --resolve localhost:" + port + ":" + (bind.host().contains(":") ? "[" + bind.host() + "]" : bind.host());
            return "reach it with: curl --cacert " + directory.tls().developmentCa().get() + resolve
                    + " https://localhost:" + port + "/healthz";
        }
        return "reach it with: curl https://" + config.server().domain() + ":" + port + "/healthz";
    }

    /**
     * The generated admin token, on the one start that made it (rest.md: "generated at first
     * start and printed once"); later starts read it from the file and print nothing.
     */
    public static Optional<String> adminToken(ServerConfig config, DataDirectory directory) {
        if (config.admin().token().isPresent() || !directory.adminTokenCreated()) {
            return Optional.empty();
        }
        return Optional.of("admin token (shown this once; kept in " + directory.root().resolve(DataDirectory.ADMIN_TOKEN)
                + "): " + directory.adminTokenText().orElseThrow());
    }

    private static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
    }
}
