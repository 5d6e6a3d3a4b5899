package io.commucat.ccp.cli;

import io.commucat.ccp.client.CcpSession;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** {@code --channel N --members ID,...}: the channel a command joins, shared by {@code send}, {@code listen} and {@code chat}. */
final class ChannelOptions {

    /** Channel ids are a u32 on the wire; 0 is the session's own (presence). */
    static final long MAX_CHANNEL = 0xffff_ffffL;

    @Option(names = "--channel", required = true, paramLabel = "N", converter = ChannelId.class,
            description = "The channel id (1 to 4294967295).")
    long channel;

    @Option(names = "--members", split = ",", paramLabel = "ID",
            description = "Devices to open the channel with (list each other: whichever joins first opens it for both).")
    List<String> members = List.of();

    CompletableFuture<Void> join(CcpSession session) {
        return session.join(channel, members);
    }

    static final class ChannelId implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                long id = Long.parseLong(value);
                if (id >= 1 && id <= MAX_CHANNEL) {
                    return id;
                }
            } catch (NumberFormatException e) {
                // Said below.
            }
            throw new CommandLine.TypeConversionException("'" + value + "' is not a channel id (1 to 4294967295)");
        }
    }
}
