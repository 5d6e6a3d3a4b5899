package io.commucat.ccp.cli;

import io.commucat.ccp.client.CcpClient;
import io.commucat.ccp.client.CcpException;
import io.commucat.ccp.client.FileIdentityStore;
import io.commucat.ccp.client.Trust;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ccp-cli}: a device on the command line, for trying a server and for scripts, built on
 * the SDK's {@link CcpClient}. Results go to stdout, diagnostics to stderr; the exit status is 0
 * only on success ({@link ExitStatus}). The device's identity (keys, certificate) is kept in
 * {@code DIR/identity.json}; keys are made here and never leave the machine: pairing proves
 * possession of the key instead.
 */
@Command(name = "ccp-cli", mixinStandardHelpOptions = true, versionProvider = CliMain.Version.class,
        description = "A CCP device on the command line: enrolment, devices, and messages (send, listen, chat).",
        subcommands = {Register.class, PairCode.class, Claim.class, Devices.class, Revoke.class, RotateKey.class,
            Send.class, Listen.class, Chat.class, CommandLine.HelpCommand.class},
        footerHeading = "%nExit status:%n",
        footer = {"  0   success",
            "  1   failure (the server refused, no identity, ...; one line on stderr says why)",
            "  2   bad command line",
            " 69   the server could not be reached",
            " 75   no answer or not enough messages in time (listen --timeout)"})
public final class CliMain implements Callable<Integer> {

    /** The identity file inside {@code --identity DIR}. */
    static final String IDENTITY_FILE = "identity.json";
    /** How long a command waits for the server's answer to one request. */
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);
    private static final Path DEV_CA = Path.of("ccp-data", "dev-ca.pem");

    @Spec
    private CommandSpec spec;

    @Option(names = "--server", paramLabel = "URL", defaultValue = "https://localhost:8443",
            converter = ServerUrl.class, description = "The server (default: ${DEFAULT-VALUE}).")
    URI server;

    @Option(names = "--ca", paramLabel = "PEM",
            description = "PEM CA certificates to trust (default: ccp-data/dev-ca.pem when it exists, else the system's).")
    Path caFile;

    @Option(names = "--identity", paramLabel = "DIR", defaultValue = "ccp-identity",
            description = "Directory of this device's identity (default: ${DEFAULT-VALUE}; made 0700, the file in it 0600).")
    Path identityDir;

    final InputStream in;
    final PrintWriter out;
    final PrintWriter err;

    CliMain(InputStream in, PrintWriter out, PrintWriter err) {
        this.in = in;
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        System.exit(run(args, System.in, out, err));
    }

    /** Runs in-process and returns the {@link ExitStatus}. */
    static int run(String[] args, InputStream in, PrintWriter out, PrintWriter err) {
        CommandLine commandLine = new CommandLine(new CliMain(in, out, err));
        commandLine.getSubcommands().values().forEach(sub -> sub.getCommandSpec().versionProvider(new Version()));
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExecutionExceptionHandler((e, command, parsed) -> {
            String prefix = "ccp-cli: " + command.getCommandName() + ": ";
            if (e instanceof CcpException failure) {
                err.println(prefix + Text.printable(describe(failure)));
                return failure.kind() == CcpException.Kind.UNREACHABLE ? ExitStatus.UNAVAILABLE : ExitStatus.FAILURE;
            }
            if (e instanceof CliFailure failure) {
                err.println(prefix + Text.printable(failure.getMessage()));
                return failure.status();
            }
            err.println(prefix + "failed: " + Text.printable(String.valueOf(e)));
            return ExitStatus.FAILURE;
        });
        int status = commandLine.execute(args);
        out.flush();
        err.flush();
        return status;
    }

    /** {@code KIND [status] [title][: detail][ (retry after N s)]}, or the SDK's message for kinds other than REFUSED. */
    static String describe(CcpException e) {
        StringBuilder line = new StringBuilder(e.kind().name());
        if (e.kind() == CcpException.Kind.REFUSED) {
            if (e.status() > 0) {
                line.append(' ').append(e.status());
            }
            e.title().filter(title -> !title.isEmpty()).ifPresent(title -> line.append(' ').append(title));
            e.detail().filter(detail -> !detail.isEmpty()).ifPresent(detail -> line.append(": ").append(detail));
        } else {
            line.append(": ").append(e.getMessage());
        }
        e.retryAfter().ifPresent(wait -> line.append(" (retry after ").append(wait.toSeconds()).append(" s)"));
        return line.toString();
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(err);
        return ExitStatus.USAGE;
    }

    Path identityFile() {
        return identityDir.resolve(IDENTITY_FILE);
    }

    /** A client of the stored identity; fails with a clear line when there is none yet. */
    CcpClient client() {
        Trust trust = trust();
        if (!Files.exists(identityFile())) {
            throw new CliFailure(ExitStatus.FAILURE,
                    "no identity in " + identityDir + ": run register or claim first (or give --identity DIR)");
        }
        return client(trust);
    }

    /**
     * Runs {@code enrolment} (register, claim) with a client for a new identity: the directory is
     * made 0700 when missing (and taken away again, still empty, when the enrolment fails), and an
     * identity already there is never replaced.
     */
    <T> T enrol(Function<CcpClient, T> enrolment) {
        Trust trust = trust();
        if (Files.exists(identityFile())) {
            throw new CliFailure(ExitStatus.FAILURE, identityDir
                    + " holds a device already; give another --identity DIR for another device");
        }
        boolean made = !Files.exists(identityDir);
        try {
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.createDirectories(identityDir,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } else {
                Files.createDirectories(identityDir);
            }
        } catch (IOException e) {
            throw new CliFailure(ExitStatus.FAILURE, "cannot make the identity directory " + identityDir + ": " + e);
        }
        try (CcpClient client = client(trust)) {
            return enrolment.apply(client);
        } catch (RuntimeException e) {
            if (made) {
                try {
                    Files.deleteIfExists(identityDir);
                } catch (IOException notEmpty) {
                    // The identity was stored before the failure: it stays.
                }
            }
            throw e;
        }
    }

    /** {@code --ca}, or the development CA of a server started here, or the system's; checks {@code --identity} too. */
    private Trust trust() {
        if (Files.exists(identityDir) && !Files.isDirectory(identityDir)) {
            throw new ParameterException(spec.commandLine(), "--identity: " + identityDir
                    + " is a file; give the directory that holds (or is to hold) " + IDENTITY_FILE);
        }
        if (caFile != null && !Files.isRegularFile(caFile)) {
            throw new ParameterException(spec.commandLine(), "--ca: " + caFile + " is not a file");
        }
        Path pem = caFile != null ? caFile : Files.isRegularFile(DEV_CA) ? DEV_CA : null;
        return pem == null ? Trust.systemStore() : Trust.certificates(pem);
    }

    private CcpClient client(Trust trust) {
        return CcpClient.builder(server).trust(trust).identityStore(new FileIdentityStore(identityFile())).build();
    }

    /** The operation's result within {@link #ANSWER_TIMEOUT}; its {@link CcpException} is rethrown as it is. */
    static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof CcpException failure) {
                throw failure;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new CliFailure(ExitStatus.TIMEOUT, "no answer within " + ANSWER_TIMEOUT.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliFailure(ExitStatus.FAILURE, "interrupted");
        }
    }

    /** {@code --server}: an {@code https://} URL with a host. */
    static final class ServerUrl implements CommandLine.ITypeConverter<URI> {
        @Override
        public URI convert(String value) {
            try {
                URI uri = new URI(value);
                if ("https".equalsIgnoreCase(uri.getScheme()) && uri.getHost() != null) {
                    return uri;
                }
            } catch (URISyntaxException e) {
                // Said below.
            }
            throw new CommandLine.TypeConversionException("'" + value + "' is not an https:// URL with a host");
        }
    }

    /** The version in the jar's manifest (a build from source says so). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = CliMain.class.getPackage().getImplementationVersion();
            return new String[] {"ccp-cli " + (version == null ? "(not from a jar)" : version)};
        }
    }
}
