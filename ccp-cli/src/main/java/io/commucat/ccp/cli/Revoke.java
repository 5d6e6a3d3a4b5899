package io.commucat.ccp.cli;

import io.commucat.ccp.client.CcpClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code revoke ID}: revokes another device of this user. */
@Command(name = "revoke", mixinStandardHelpOptions = true,
        description = "Revoke device ID of this device's user: its sessions end at once, and it can no longer connect.")
final class Revoke implements Callable<Integer> {

    @ParentCommand
    private CliMain main;

    @Parameters(paramLabel = "ID", description = "The device id ('devices' lists them).")
    private String deviceId;

    @Override
    public Integer call() {
        try (CcpClient client = main.client()) {
            CliMain.await(client.revoke(deviceId));
            main.err.println("revoked " + deviceId);
        }
        return ExitStatus.OK;
    }
}
