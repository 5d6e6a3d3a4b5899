package io.commucat.ccp.server.cli;

import io.commucat.ccp.server.config.ConfigException;
import io.commucat.ccp.server.datadir.DataDirectoryException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * Entry point of {@code ccp}. Every failure a user can cause ends in one line on standard
 * error ({@code ccp: ...}) and a non-zero status ({@link ExitCodes}); stack traces are kept
 * for bugs.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        System.exit(run(args, new CliContext(System.getenv(), out, err, defaultStarter(out))));
    }

    /** The server {@code ccp serve} starts: a full node (storage, secrets, session core, listener). */
    static ServerStarter defaultStarter(PrintWriter out) {
        return new NodeStarter(out);
    }

    /** Runs the command line in-process and returns the exit status (for tests and embedding). */
    public static int run(String[] args, CliContext context) {
        CommandLine commandLine = new CommandLine(new CcpCommand(context));
        commandLine.setOut(context.out());
        commandLine.setErr(context.err());
        commandLine.setParameterExceptionHandler(Main::onBadArguments);
        commandLine.setExecutionExceptionHandler((e, cl, parsed) -> onFailure(e, context.err()));
        int status = commandLine.execute(args);
        context.out().flush();
        context.err().flush();
        return status;
    }

    private static int onBadArguments(ParameterException e, String[] args) {
        String command = e.getCommandLine().getCommandSpec().qualifiedName();
        e.getCommandLine().getErr().println("ccp: " + oneLine(e.getMessage()) + " (see '" + command + " --help')");
        return ExitCodes.USAGE;
    }

    private static int onFailure(Exception e, PrintWriter err) {
        if (e instanceof ConfigException) {
            err.println("ccp: configuration error: " + oneLine(e.getMessage()));
            return ExitCodes.CONFIG;
        }
        if (e instanceof DataDirectoryException) {
            err.println("ccp: data directory error: " + oneLine(e.getMessage()));
            return ExitCodes.CONFIG;
        }
        err.println("ccp: failed: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + oneLine(e.getMessage())));
        return ExitCodes.FAILURE;
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }
}
