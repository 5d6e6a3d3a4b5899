package io.commucat.ccp.cli;

import io.commucat.ccp.client.CcpClient;
import io.commucat.ccp.client.PairingCode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code pair-code}: prints a fresh pairing code for another device of this user. */
@Command(name = "pair-code", mixinStandardHelpOptions = true,
        description = {"Print a fresh pairing code for another device of this device's user (stdout: the code only).",
            "The other device runs 'claim CODE' before the code expires; the code is a secret until then."})
final class PairCode implements Callable<Integer> {

    @ParentCommand
    private CliMain main;

    @Override
    public Integer call() {
        try (CcpClient client = main.client()) {
            PairingCode code = CliMain.await(client.issuePairingCode());
            main.out.println(code.code());
            main.err.println("valid until " + code.expiresAt());
        }
        return ExitStatus.OK;
    }
}
