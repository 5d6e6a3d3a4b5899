package io.commucat.ccp.cli;

import io.commucat.ccp.client.CcpClient;
import io.commucat.ccp.client.CcpSession;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code send --channel N --members ID,... TEXT}: one message, exit 0 on the server's Ack. */
@Command(name = "send", mixinStandardHelpOptions = true,
        description = {"Join channel N with the given members and send TEXT (UTF-8) as a message;"
                + " exit 0 once the server acknowledged it (it is then queued for every other member).",
            "Messages that arrive for this device meanwhile are left queued for 'listen' or 'chat'."})
final class Send implements Callable<Integer> {

    @ParentCommand
    private CliMain main;

    @Mixin
    private ChannelOptions target;

    @Parameters(paramLabel = "TEXT", description = "The message.")
    private String text;

    @Override
    public Integer call() {
        try (CcpClient client = main.client()) {
            CcpSession session = CliMain.await(client.connect(LeaveQueued.TAKE_NOTHING));
            CliMain.await(target.join(session));
            CliMain.await(session.send(target.channel, text.getBytes(StandardCharsets.UTF_8)));
            session.close();
            CliMain.await(session.closed());
        }
        return ExitStatus.OK;
    }
}
