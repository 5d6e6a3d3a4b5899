package io.commucat.ccp.cli;

import io.commucat.ccp.client.CcpSession;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Option;

/** {@code --channel N --members ID,...}: the channel a command joins, shared by {@code send} and {@code listen}. */
final class ChannelOptions {

    @Option(names = "--channel", required = true, paramLabel = "N", description = "The channel id (1 to 4294967295).")
    long channel;

    @Option(names = "--members", split = ",", paramLabel = "ID",
            description = "Devices to open the channel with (list each other: whichever joins first opens it for both).")
    List<String> members = List.of();

    CompletableFuture<Void> join(CcpSession session) {
        return session.join(channel, members);
    }
}
