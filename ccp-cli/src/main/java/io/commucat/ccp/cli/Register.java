package io.commucat.ccp.cli;

import io.commucat.ccp.client.Enrolment;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code register --handle H}: a new device of a new user; prints the device id. */
@Command(name = "register", mixinStandardHelpOptions = true,
        description = {"Make a new device identity for the user HANDLE and print its device id.",
            "The user is created if new; the server's auto-approval must allow it (else use 'claim' with a code)."})
final class Register implements Callable<Integer> {

    @ParentCommand
    private CliMain main;

    @Option(names = "--handle", required = true, paramLabel = "H", description = "The user's handle.")
    private String handle;

    @Override
    public Integer call() {
        Enrolment enrolment = main.enrol(client -> CliMain.await(client.register(handle)));
        main.out.println(enrolment.deviceId());
        main.err.println("registered device " + enrolment.deviceId() + " of user " + enrolment.userId()
                + " (identity in " + main.identityFile() + ")");
        return ExitStatus.OK;
    }
}
