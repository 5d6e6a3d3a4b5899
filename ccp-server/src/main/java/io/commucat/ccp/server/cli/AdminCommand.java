package io.commucat.ccp.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.commucat.ccp.server.config.ConfigException;
import io.commucat.ccp.server.config.ServerConfig;
import io.commucat.ccp.server.datadir.DataDirectory;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code ccp admin}: operator commands against a running server, through its admin endpoints
 * (rest.md). The server, the admin token and the CA to trust come from the same settings as
 * {@code ccp serve} (defaults, {@code --config}, {@code CCP_*}, {@code --data}): the server at
 * {@code server.bind}, the token {@code admin.token} or the data directory's {@code admin.token}
 * file, the data directory's development CA; each can be given explicitly.
 */
@Command(name = "admin",
        description = "Operator commands against a running server (enrol users, list and revoke devices).",
        mixinStandardHelpOptions = true,
        subcommands = {AdminCommand.Enroll.class, AdminCommand.Revoke.class, AdminCommand.Devices.class})
final class AdminCommand implements Callable<Integer> {

    /** The server could not be reached ({@code EX_UNAVAILABLE}). */
    static final int UNAVAILABLE = 69;
    /** The admin token was refused ({@code EX_NOPERM}). */
    static final int NOT_ALLOWED = 77;

    @ParentCommand
    private CcpCommand parent;

    @Spec
    private CommandSpec spec;

    @Mixin
    private SettingsOptions settingsOptions;

    @Option(names = "--server", paramLabel = "URL", description = "The server, e.g. https://ccp.example.org:8443 (default: from server.bind).")
    private String server;

    @Option(names = "--token-file", paramLabel = "FILE", description = "File holding the admin token (default: admin.token, or <data>/admin.token).")
    private String tokenFile;

    @Option(names = "--cacert", paramLabel = "FILE", description = "PEM CA certificates to trust (default: <data>/dev-ca.pem when the server uses the development certificate, else the system's).")
    private String caFile;

    @Option(names = "--json", description = "Print the server's JSON answer as it is.")
    private boolean json;

    @Override
    public Integer call() {
        spec.commandLine().usage(parent.context().err());
        return ExitCodes.USAGE;
    }

    /** Runs {@code call} with a client for the configured server; turns its failures into exit statuses. */
    int run(AdminCall call) throws ConfigException {
        CliContext context = parent.context();
        try {
            AdminClient client = client(context);
            JsonNode answer = call.call(client);
            if (json) {
                context.out().println(answer.toPrettyString());
            }
            return ExitCodes.OK;
        } catch (AdminClient.AdminException e) {
            context.err().println("ccp: admin: " + e.getMessage());
            return switch (e.kind()) {
                case UNREACHABLE -> UNAVAILABLE;
                case NOT_ALLOWED -> NOT_ALLOWED;
                case NOT_FOUND, REFUSED -> ExitCodes.FAILURE;
            };
        }
    }

    boolean json() {
        return json;
    }

    PrintWriter out() {
        return parent.context().out();
    }

    private AdminClient client(CliContext context) throws ConfigException, AdminClient.AdminException {
        ServerConfig settings = settingsOptions.load(context, List.of());
        Path dataDir = settings.server().dataDir();
        String token = token(settings, dataDir);
        Path trust = caFile != null ? path("--cacert", caFile) : defaultTrust(settings, dataDir);
        return AdminClient.connect(serverUri(settings), token, trust);
    }

    private URI serverUri(ServerConfig settings) throws AdminClient.AdminException {
        if (server != null) {
            try {
                URI uri = new URI(server.endsWith("/") ? server : server + "/");
                if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
                    throw new AdminClient.AdminException(AdminClient.AdminException.Kind.REFUSED,
                            "--server must be an https:// URL with a host");
                }
                return uri;
            } catch (URISyntaxException e) {
                throw new AdminClient.AdminException(AdminClient.AdminException.Kind.REFUSED, "--server is not a URL");
            }
        }
        var bind = settings.server().bind();
        String host = bind.isWildcard() ? "localhost" : bind.host();
        if (host.contains(":") && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        return URI.create("https://" + host + ":" + bind.port() + "/");
    }

    private String token(ServerConfig settings, Path dataDir) throws AdminClient.AdminException {
        if (tokenFile == null && settings.admin().token().isPresent()) {
            return settings.admin().token().get();
        }
        Path file = tokenFile != null ? path("--token-file", tokenFile) : dataDir.resolve(DataDirectory.ADMIN_TOKEN);
        try {
            String token = Files.readString(file, StandardCharsets.US_ASCII).trim();
            if (token.isEmpty()) {
                throw new AdminClient.AdminException(AdminClient.AdminException.Kind.REFUSED, file + " is empty");
            }
            return token;
        } catch (IOException e) {
            throw new AdminClient.AdminException(AdminClient.AdminException.Kind.REFUSED,
                    "cannot read the admin token from " + file + " (" + e.getClass().getSimpleName()
                            + "); give --data, --token-file or admin.token");
        }
    }

    /** The development CA when the server runs on the generated certificate; the system's trust otherwise. */
    private static Path defaultTrust(ServerConfig settings, Path dataDir) {
        Path devCa = dataDir.resolve(DataDirectory.DEV_CA_CERT);
        return settings.server().tlsCert().isEmpty() && Files.isRegularFile(devCa) ? devCa : null;
    }

    private static Path path(String option, String value) throws AdminClient.AdminException {
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new AdminClient.AdminException(AdminClient.AdminException.Kind.REFUSED, option + ": not a file name");
        }
    }

    static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @FunctionalInterface
    interface AdminCall {
        JsonNode call(AdminClient client) throws AdminClient.AdminException;
    }

    @Command(name = "enroll", mixinStandardHelpOptions = true,
            description = {"Create the user <handle> if it does not exist and print a pairing code for its next device.",
                "This is how a user's first device joins when auto-approval is off."})
    static final class Enroll implements Callable<Integer> {

        @ParentCommand
        private AdminCommand admin;

        @Parameters(paramLabel = "HANDLE", description = "The user's handle.")
        private String handle;

        @Option(names = "--display-name", paramLabel = "NAME", description = "Display name of a new user.")
        private String displayName;

        @Option(names = "--ttl", paramLabel = "SECONDS", description = "How long the code stays valid (60-3600, at most limits.pairing_ttl).")
        private Long ttl;

        @Override
        public Integer call() throws ConfigException {
            return admin.run(client -> {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("handle", handle);
                if (displayName != null) {
                    body.put("display_name", displayName);
                }
                if (ttl != null) {
                    body.put("ttl", ttl);
                }
                JsonNode answer = client.post("api/admin/enroll", body);
                if (!admin.json()) {
                    admin.out().println("pairing code for " + handle + ": " + answer.path("pair_code").asText()
                            + " (valid until " + answer.path("expires_at").asText() + ")");
                }
                return answer;
            });
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Revoke a device: its sessions end on every node and its tokens and certificate stop working.")
    static final class Revoke implements Callable<Integer> {

        @ParentCommand
        private AdminCommand admin;

        @Parameters(paramLabel = "DEVICE", description = "The device id.")
        private String device;

        @Override
        public Integer call() throws ConfigException {
            return admin.run(client -> {
                JsonNode answer = client.post("api/admin/devices/revoke", Map.of("device_id", device));
                if (!admin.json()) {
                    admin.out().println("revoked " + answer.path("device_id").asText(device));
                }
                return answer;
            });
        }
    }

    @Command(name = "devices", mixinStandardHelpOptions = true, description = "List a user's devices.")
    static final class Devices implements Callable<Integer> {

        @ParentCommand
        private AdminCommand admin;

        @Parameters(paramLabel = "HANDLE", description = "The user's handle.")
        private String handle;

        @Override
        public Integer call() throws ConfigException {
            return admin.run(client -> {
                JsonNode answer = client.get("api/admin/users/" + segment(handle) + "/devices");
                if (!admin.json()) {
                    PrintWriter out = admin.out();
                    out.printf("%-64s %-8s %-6s %-27s %s%n", "DEVICE", "STATUS", "ONLINE", "LAST SEEN", "NAME");
                    for (JsonNode device : answer.path("devices")) {
                        out.printf("%-64s %-8s %-6s %-27s %s%n", device.path("device_id").asText(),
                                device.path("status").asText(), device.path("online").asBoolean() ? "yes" : "no",
                                device.path("last_seen").asText("-"), device.path("name").asText(""));
                    }
                }
                return answer;
            });
        }
    }
}
