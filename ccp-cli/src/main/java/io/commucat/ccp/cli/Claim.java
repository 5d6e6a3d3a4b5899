package io.commucat.ccp.cli;

import io.commucat.ccp.client.Enrolment;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code claim CODE [--name NAME]}: this identity becomes a new device of the code's user; prints the device id. */
@Command(name = "claim", mixinStandardHelpOptions = true,
        description = {"Join the user who issued CODE (with 'pair-code' on one of its devices, or 'ccp admin enroll')"
                + " as a new device, and print its device id.",
            "The key pair is made here; the server only sees its public key and a signature proving possession."})
final class Claim implements Callable<Integer> {

    @ParentCommand
    private CliMain main;

    @Parameters(paramLabel = "CODE", description = "The pairing code, e.g. KQ7M-3XTD.")
    private String code;

    @Option(names = "--name", paramLabel = "NAME", description = "A name for this device, shown by 'devices'.")
    private String name;

    @Override
    public Integer call() {
        Enrolment enrolment = main.enrol(client -> {
            Enrolment paired = CliMain.await(client.pair(code, name));
            // The first session, with the claim's certificate: a device that cannot connect fails here, not later.
            CliMain.await(client.devices());
            return paired;
        });
        main.out.println(enrolment.deviceId());
        main.err.println("paired device " + enrolment.deviceId() + " with user " + enrolment.userId()
                + " (identity in " + main.identityFile() + ")");
        return ExitStatus.OK;
    }
}
