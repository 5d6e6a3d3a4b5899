package io.commucat.ccp.cli;

import io.commucat.ccp.client.CcpClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code rotate-key}: replaces this device's key; the identity file takes the new key and certificate. */
@Command(name = "rotate-key", mixinStandardHelpOptions = true,
        description = {"Replace this device's key: a new key pair is made here, the request is signed with the current"
                + " one, and the identity takes the new key and its certificate."})
final class RotateKey implements Callable<Integer> {

    @ParentCommand
    private CliMain main;

    @Override
    public Integer call() {
        try (CcpClient client = main.client()) {
            CliMain.await(client.rotateKey());
            main.err.println("rotated the key (identity in " + main.identityFile() + ")");
        }
        return ExitStatus.OK;
    }
}
