package io.commucat.ccp.device;

import com.fasterxml.jackson.databind.JsonNode;
import io.commucat.ccp.client.handshake.DeviceIdentity;
import io.commucat.ccp.client.handshake.EstablishedSession;
import io.commucat.ccp.client.handshake.UserHints;
import io.commucat.ccp.crypto.Hex;
import io.commucat.ccp.crypto.cert.CertificateException;
import io.commucat.ccp.crypto.cert.DeviceCertificate;
import io.commucat.ccp.crypto.keys.DeviceKeyPair;
import io.commucat.ccp.crypto.keys.PairingClaimProof;
import io.commucat.ccp.crypto.noise.NoiseKeyPair;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code ccp-device}: a device on the command line, for trying a server and for scripts. It
 * keeps its identity (keys, certificate) in a file and talks to the server as the SDK does:
 * the {@code /connect} bootstrap, then REST with the session token. Keys are made here and
 * never leave the machine: pairing proves possession of the key instead.
 */
@Command(name = "ccp-device", mixinStandardHelpOptions = true,
        description = "A command-line CCP device: register, pair with a code, issue codes, list devices.",
        subcommands = {DeviceMain.Register.class, DeviceMain.Pair.class, DeviceMain.Code.class,
            DeviceMain.Devices.class, CommandLine.HelpCommand.class})
public final class DeviceMain implements Callable<Integer> {

    static final SecureRandom RANDOM = new SecureRandom();

    @Option(names = "--server", paramLabel = "URL", defaultValue = "https://localhost:8443",
            description = "The server (default: ${DEFAULT-VALUE}).")
    URI server;

    @Option(names = "--cacert", paramLabel = "FILE",
            description = "PEM CA certificates to trust (default: ccp-data/dev-ca.pem when it exists, else the system's).")
    Path caFile;

    @Option(names = "--identity", paramLabel = "FILE", defaultValue = "ccp-devices/device.json",
            description = "Where this device's identity is kept (default: ${DEFAULT-VALUE}; mode 0600).")
    Path identityFile;

    private final PrintWriter out;
    private final PrintWriter err;

    DeviceMain(PrintWriter out, PrintWriter err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        System.exit(run(args, out, err));
    }

    /** Runs in-process and returns the exit status: 0, 1 for a failure, 2 for bad usage. */
    static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine commandLine = new CommandLine(new DeviceMain(out, err));
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExecutionExceptionHandler((e, cl, parsed) -> {
            if (e instanceof DeviceCliException) {
                err.println("ccp-device: " + e.getMessage());
            } else {
                err.println("ccp-device: failed: " + e);
            }
            return 1;
        });
        int status = commandLine.execute(args);
        out.flush();
        err.flush();
        return status;
    }

    @Override
    public Integer call() {
        new CommandLine(this).usage(err);
        return 2;
    }

    ServerLink link() throws DeviceCliException {
        Path trust = caFile;
        if (trust == null && Files.isRegularFile(Path.of("ccp-data", "dev-ca.pem"))) {
            trust = Path.of("ccp-data", "dev-ca.pem");
        }
        return ServerLink.open(server, trust);
    }

    /** Bootstraps the stored identity, keeps the (possibly renewed) certificate, returns the session. */
    EstablishedSession connect(ServerLink link, IdentityFile.Stored stored) throws DeviceCliException {
        EstablishedSession session = link.bootstrap(stored.identity(),
                new UserHints(stored.userId(), null, null, null));
        IdentityFile.save(identityFile, new IdentityFile.Stored(
                stored.identity().withCertificate(session.certificate()), session.userId()));
        return session;
    }

    static DeviceIdentity newIdentity(String deviceId) {
        return new DeviceIdentity(deviceId, DeviceKeyPair.generate(RANDOM), NoiseKeyPair.generate(RANDOM), null);
    }

    void refuseToOverwrite() throws DeviceCliException {
        if (Files.exists(identityFile)) {
            throw new DeviceCliException(identityFile + " already holds a device; give another --identity");
        }
    }

    @Command(name = "register", mixinStandardHelpOptions = true,
            description = "Create a new device for the user HANDLE (the user is created if new; auto-approval must allow it).")
    static final class Register implements Callable<Integer> {
        @ParentCommand
        private DeviceMain main;

        @Option(names = "--handle", required = true, paramLabel = "HANDLE", description = "The user's handle.")
        private String handle;

        @Option(names = "--display-name", paramLabel = "NAME", description = "Display name for a new user.")
        private String displayName;

        @Override
        public Integer call() throws DeviceCliException {
            main.refuseToOverwrite();
            byte[] id = new byte[12];
            RANDOM.nextBytes(id);
            DeviceIdentity identity = newIdentity("dev-" + Hex.encode(id));
            try (ServerLink link = main.link()) {
                EstablishedSession session = link.bootstrap(identity, new UserHints(null, handle, displayName, null));
                IdentityFile.save(main.identityFile,
                        new IdentityFile.Stored(identity.withCertificate(session.certificate()), session.userId()));
                main.out.println("registered device " + identity.deviceId() + " for user " + session.userId()
                        + " (identity in " + main.identityFile + ")");
            }
            return 0;
        }
    }

    @Command(name = "pair", mixinStandardHelpOptions = true,
            description = {"Join a user's account with a pairing code (from 'code' on another device, or 'ccp admin enroll').",
                "The key pair is made here; the server only sees its public key and a signature proving possession."})
    static final class Pair implements Callable<Integer> {
        @ParentCommand
        private DeviceMain main;

        @Parameters(paramLabel = "CODE", description = "The pairing code, e.g. ABCD-EF23.")
        private String code;

        @Option(names = "--name", paramLabel = "NAME", description = "A name for this device.")
        private String name;

        @Override
        public Integer call() throws DeviceCliException {
            main.refuseToOverwrite();
            DeviceKeyPair key = DeviceKeyPair.generate(RANDOM);
            Map<String, Object> claim = new LinkedHashMap<>();
            claim.put("pair_code", code);
            if (name != null) {
                claim.put("device_name", name);
            }
            claim.put("device_public", Hex.encode(key.publicKey()));
            claim.put("proof", Hex.encode(PairingClaimProof.sign(key, code)));
            try (ServerLink link = main.link()) {
                JsonNode answer = link.call("POST", "/api/pair/claim", null, claim);
                if (answer.hasNonNull("private_key")) {
                    throw new DeviceCliException("the server generated a key for this device instead of certifying ours;"
                            + " it does not support device-held keys");
                }
                DeviceCertificate certificate;
                try {
                    certificate = DeviceCertificate.fromJson(answer.path("device_certificate"));
                } catch (CertificateException e) {
                    throw new DeviceCliException("the server's certificate does not parse: " + e.getMessage());
                }
                DeviceIdentity identity = new DeviceIdentity(answer.path("device_id").asText(), key,
                        NoiseKeyPair.generate(RANDOM), certificate);
                IdentityFile.Stored stored = new IdentityFile.Stored(identity, answer.path("user_id").asText());
                IdentityFile.save(main.identityFile, stored);
                main.connect(link, stored);
                main.out.println("paired device " + identity.deviceId() + " with user " + stored.userId()
                        + " (identity in " + main.identityFile + ")");
            }
            return 0;
        }
    }

    @Command(name = "code", mixinStandardHelpOptions = true,
            description = "Issue a pairing code for another device of this device's user.")
    static final class Code implements Callable<Integer> {
        @ParentCommand
        private DeviceMain main;

        @Option(names = "--ttl", paramLabel = "SECONDS", description = "How long the code stays valid.")
        private Long ttl;

        @Override
        public Integer call() throws DeviceCliException {
            IdentityFile.Stored stored = IdentityFile.load(main.identityFile);
            try (ServerLink link = main.link()) {
                EstablishedSession session = main.connect(link, stored);
                JsonNode answer = link.call("POST", "/api/pair", session.session(), ttl == null ? null : Map.of("ttl", ttl));
                main.out.println("pairing code: " + answer.path("pair_code").asText() + " (valid until "
                        + answer.path("expires_at").asText() + ")");
            }
            return 0;
        }
    }

    @Command(name = "devices", mixinStandardHelpOptions = true, description = "List the devices of this device's user.")
    static final class Devices implements Callable<Integer> {
        @ParentCommand
        private DeviceMain main;

        @Override
        public Integer call() throws DeviceCliException {
            IdentityFile.Stored stored = IdentityFile.load(main.identityFile);
            try (ServerLink link = main.link()) {
                EstablishedSession session = main.connect(link, stored);
                JsonNode answer = link.call("GET", "/api/devices", session.session(), null);
                main.out.printf("%-64s %-8s %-6s %-7s %s%n", "DEVICE", "STATUS", "ONLINE", "CURRENT", "NAME");
                for (JsonNode device : answer.path("devices")) {
                    main.out.printf("%-64s %-8s %-6s %-7s %s%n", device.path("device_id").asText(),
                            device.path("status").asText(), device.path("online").asBoolean() ? "yes" : "no",
                            device.path("current").asBoolean() ? "*" : "", device.path("name").asText(""));
                }
            }
            return 0;
        }
    }
}
