package io.commucat.ccp.cli;

import io.commucat.ccp.client.CcpClient;
import io.commucat.ccp.client.CcpException;
import io.commucat.ccp.client.CcpSession;
import io.commucat.ccp.client.DeviceInfo;
import io.commucat.ccp.client.Enrolment;
import io.commucat.ccp.client.FileIdentityStore;
import io.commucat.ccp.client.IncomingMessage;
import io.commucat.ccp.client.PairingCode;
import io.commucat.ccp.client.SessionListener;
import io.commucat.ccp.client.Trust;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code ccp-cli}: a device on the command line, for trying a server and for scripts, built
 * on the SDK's {@link CcpClient}. It keeps its identity (keys, certificate) in a file; keys are
 * made here and never leave the machine: pairing proves possession of the key instead.
 */
@Command(name = "ccp-cli", mixinStandardHelpOptions = true,
        description = "A command-line CCP device: register, pair with a code, issue codes, list devices.",
        subcommands = {CliMain.Register.class, CliMain.Pair.class, CliMain.Code.class,
            CliMain.Devices.class, CliMain.Send.class, CliMain.Listen.class, CommandLine.HelpCommand.class})
public final class CliMain implements Callable<Integer> {

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

    CliMain(PrintWriter out, PrintWriter err) {
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
        CommandLine commandLine = new CommandLine(new CliMain(out, err));
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExecutionExceptionHandler((e, cl, parsed) -> {
            err.println("ccp-cli: " + (e instanceof CcpException ? e.getMessage() : "failed: " + e));
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

    CcpClient client() {
        Path trust = caFile;
        if (trust == null && Files.isRegularFile(Path.of("ccp-data", "dev-ca.pem"))) {
            trust = Path.of("ccp-data", "dev-ca.pem");
        }
        return CcpClient.builder(server)
                .trust(trust == null ? Trust.systemStore() : Trust.certificates(trust))
                .identityStore(new FileIdentityStore(identityFile))
                .build();
    }

    /** The operation's result; its {@link CcpException} is rethrown as it is (one line on stderr). */
    static <T> T await(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof CcpException failure) {
                throw failure;
            }
            throw e;
        }
    }

    @Command(name = "register", mixinStandardHelpOptions = true,
            description = "Create a new device for the user HANDLE (the user is created if new; auto-approval must allow it).")
    static final class Register implements Callable<Integer> {
        @ParentCommand
        private CliMain main;

        @Option(names = "--handle", required = true, paramLabel = "HANDLE", description = "The user's handle.")
        private String handle;

        @Override
        public Integer call() {
            try (CcpClient client = main.client()) {
                Enrolment enrolment = await(client.register(handle));
                main.out.println("registered device " + enrolment.deviceId() + " for user " + enrolment.userId()
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
        private CliMain main;

        @Parameters(paramLabel = "CODE", description = "The pairing code, e.g. ABCD-EF23.")
        private String code;

        @Option(names = "--name", paramLabel = "NAME", description = "A name for this device.")
        private String name;

        @Override
        public Integer call() {
            try (CcpClient client = main.client()) {
                Enrolment enrolment = await(client.pair(code, name));
                await(client.devices()); // the first session, with the claim's certificate
                main.out.println("paired device " + enrolment.deviceId() + " with user " + enrolment.userId()
                        + " (identity in " + main.identityFile + ")");
            }
            return 0;
        }
    }

    @Command(name = "code", mixinStandardHelpOptions = true,
            description = "Issue a pairing code for another device of this device's user.")
    static final class Code implements Callable<Integer> {
        @ParentCommand
        private CliMain main;

        @Override
        public Integer call() {
            try (CcpClient client = main.client()) {
                PairingCode code = await(client.issuePairingCode());
                main.out.println("pairing code: " + code.code() + " (valid until " + code.expiresAt() + ")");
            }
            return 0;
        }
    }

    @Command(name = "devices", mixinStandardHelpOptions = true, description = "List the devices of this device's user.")
    static final class Devices implements Callable<Integer> {
        @ParentCommand
        private CliMain main;

        @Override
        public Integer call() {
            try (CcpClient client = main.client()) {
                main.out.printf("%-64s %-8s %-6s %-7s %s%n", "DEVICE", "STATUS", "ONLINE", "CURRENT", "NAME");
                for (DeviceInfo device : await(client.devices())) {
                    main.out.printf("%-64s %-8s %-6s %-7s %s%n", device.deviceId(), device.status(),
                            device.online() ? "yes" : "no", device.current() ? "*" : "",
                            device.name() == null ? "" : device.name());
                }
            }
            return 0;
        }
    }

    @Command(name = "send", mixinStandardHelpOptions = true,
            description = "Join channel N with the given members and send TEXT as a message; exits 0 once the server acknowledged it.")
    static final class Send implements Callable<Integer> {
        @ParentCommand
        private CliMain main;

        @Mixin
        private ChannelOptions target;

        @Parameters(paramLabel = "TEXT", description = "The message (UTF-8).")
        private String text;

        @Override
        public Integer call() {
            try (CcpClient client = main.client()) {
                CcpSession session = await(client.connect(new SessionListener() { }));
                await(target.join(session));
                await(session.send(target.channel, text.getBytes(StandardCharsets.UTF_8)));
                session.close();
                await(session.closed());
            }
            return 0;
        }
    }

    @Command(name = "listen", mixinStandardHelpOptions = true,
            description = "Join channel N and print each message received there as one line of UTF-8.")
    static final class Listen implements Callable<Integer> {
        @ParentCommand
        private CliMain main;

        @Mixin
        private ChannelOptions target;

        @Option(names = "--count", paramLabel = "K", description = "Exit 0 after K messages (default: print until the timeout, then exit 0).")
        private int count = Integer.MAX_VALUE;

        @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
                description = "Exit non-zero when fewer than K messages came in this time (default: ${DEFAULT-VALUE}).")
        private long timeoutSeconds;

        @Override
        public Integer call() throws InterruptedException {
            CountDownLatch received = new CountDownLatch(count);
            try (CcpClient client = main.client()) {
                CcpSession session = await(client.connect(new SessionListener() {
                    @Override
                    public void onMessage(IncomingMessage message) {
                        if (message.channel() == target.channel && received.getCount() > 0) {
                            main.out.println(new String(message.payload(), StandardCharsets.UTF_8));
                            main.out.flush();
                            received.countDown();
                        }
                    }
                }));
                await(target.join(session));
                boolean all = received.await(timeoutSeconds, TimeUnit.SECONDS);
                session.close();
                await(session.closed());
                if (!all && count != Integer.MAX_VALUE) {
                    main.err.println("ccp-cli: " + (count - received.getCount()) + " of " + count
                            + " messages within " + timeoutSeconds + " s");
                    return 1;
                }
            }
            return 0;
        }
    }
}
