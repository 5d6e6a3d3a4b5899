package io.commucat.ccp.server.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code ccp}: the root command. Subcommands are listed in the annotation; a new one
 * ({@code ledger verify}, {@code admin enroll}) is a class with {@code @Command} added there,
 * reaching the {@link CliContext} through {@code @ParentCommand}.
 */
@Command(name = "ccp",
        description = "CommuCat CCP-1 server.",
        mixinStandardHelpOptions = true,
        versionProvider = CcpCommand.Version.class,
        subcommands = {ServeCommand.class, LedgerCommand.class, AdminCommand.class, HelpCommand.class})
public final class CcpCommand implements Callable<Integer> {

    private final CliContext context;

    @Spec
    private CommandSpec spec;

    public CcpCommand(CliContext context) {
        this.context = context;
    }

    CliContext context() {
        return context;
    }

    /** {@code ccp} without a subcommand: show what there is. */
    @Override
    public Integer call() {
        spec.commandLine().usage(context.err());
        return ExitCodes.USAGE;
    }

    /** The version from the jar's manifest, or {@code dev} when run from classes. */
    static final class Version implements picocli.CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = CcpCommand.class.getPackage().getImplementationVersion();
            return new String[] {"ccp " + (version == null ? "dev" : version)};
        }
    }
}
