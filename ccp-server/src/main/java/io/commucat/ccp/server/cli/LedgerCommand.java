package io.commucat.ccp.server.cli;

import io.commucat.ccp.ledger.AcknowledgedDamage;
import io.commucat.ccp.ledger.FailureKind;
import io.commucat.ccp.ledger.LedgerVerifier;
import io.commucat.ccp.ledger.VerificationResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code ccp ledger}: tools for the audit ledger; {@code ccp ledger verify FILE...} checks its chain. */
@Command(name = "ledger",
        description = "Audit ledger tools.",
        mixinStandardHelpOptions = true,
        subcommands = LedgerCommand.Verify.class)
final class LedgerCommand implements Callable<Integer> {

    /** A ledger whose chain is broken ({@code EX_DATAERR}); unreadable files give {@link ExitCodes#FAILURE}. */
    static final int BROKEN = 65;

    @ParentCommand
    private CcpCommand parent;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(parent.context().err());
        return ExitCodes.USAGE;
    }

    @Command(name = "verify",
            description = {"Check the hash chain of ledger files given oldest first (a glob such as audit-*.jsonl sorts them).",
                "Prints 'OK <n> records', or the first bad line and why."},
            mixinStandardHelpOptions = true)
    static final class Verify implements Callable<Integer> {

        @ParentCommand
        private LedgerCommand ledger;

        @Parameters(arity = "1..*", paramLabel = "FILE", description = "Ledger files, oldest first.")
        private List<Path> files;

        @Override
        public Integer call() {
            CliContext context = ledger.parent.context();
            VerificationResult result = new LedgerVerifier().verify(files);
            if (result instanceof VerificationResult.Failure failure) {
                context.err().println("ccp: ledger: " + failure.file() + ":" + failure.line() + ": "
                        + failure.kind() + ": " + failure.message());
                return failure.kind() == FailureKind.UNREADABLE ? ExitCodes.FAILURE : BROKEN;
            }
            VerificationResult.Ok ok = (VerificationResult.Ok) result;
            PrintWriter out = context.out();
            out.println("OK " + ok.records() + " records");
            if (ok.continuesFrom() != null) {
                out.println("note: the chain continues " + ok.continuesFrom() + ", which was not given");
            }
            for (AcknowledgedDamage damage : ok.acknowledged()) {
                out.println("note: " + damage.file() + ":" + damage.line() + ": " + damage.kind() + ": " + damage.message()
                        + " (found on start and recorded in " + damage.acknowledgedIn().getFileName()
                        + "; the lines from there on are outside the chain)");
            }
            out.println("head: seq " + ok.head().seq() + " hash " + ok.head().hash());
            return ExitCodes.OK;
        }
    }
}
