package io.commucat.ccp.cli;

import io.commucat.ccp.client.CcpClient;
import io.commucat.ccp.client.CcpException;
import io.commucat.ccp.client.CcpSession;
import io.commucat.ccp.client.StoredIdentity;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/**
 * {@code chat --channel N --members ...}: each line read from stdin is sent, what arrives is
 * printed ({@link ChatPrinter}). Lines are read on their own thread and handled one after the
 * other on the command's, with the session's end, as {@link Event}s: the chat ends on the end of
 * input, {@code /quit}, or the session ending by itself, whichever comes first.
 */
@Command(name = "chat", mixinStandardHelpOptions = true,
        description = {"Join channel N and chat: each line read from stdin is sent as a message (each waits for"
                + " the server's Ack); what arrives is printed as it comes, one line each:",
            "  < TEXT        a message on channel N (< [M] TEXT: on channel M)",
            "  * ...         anything else: a peer's presence, an error, ...",
            "Commands: /presence STATE, /quit, /help; a line starting with // sends it from its second '/'.",
            "Ends on end of input or /quit: status 0, or 1 when a line could not be sent."
                + " Works on a terminal and on a pipe."})
final class Chat implements Callable<Integer> {

    private static final String HELP = """
            lines you type are sent to the channel; commands:
              /presence STATE   announce STATE (online, away, busy ...) to the channel's members
              /quit             leave (so does the end of input, Ctrl-D)
              /help             this
              //TEXT            sends /TEXT""";

    @ParentCommand
    private CliMain main;

    @Mixin
    private ChannelOptions target;

    /** What the chat reacts to, in the order it happened. */
    private sealed interface Event {
    }

    private record Line(String text) implements Event {
    }

    private record EndOfInput() implements Event {
    }

    private record SessionEnded(CcpException failure) implements Event {
    }

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private boolean failedToSend;

    @Override
    public Integer call() throws InterruptedException {
        try (CcpClient client = main.client()) {
            CcpSession session = CliMain.await(client.connect(
                    new ChatPrinter(target.channel, main.out, failure -> events.add(new SessionEnded(failure)))));
            CliMain.await(target.join(session));
            String device = CliMain.await(client.identity()).map(StoredIdentity::deviceId).orElse("?");
            main.err.println("chat on channel " + target.channel + " as " + device
                    + "; /help lists commands, /quit or end of input leaves");
            readInput();
            while (true) {
                Event event = events.take();
                if (event instanceof SessionEnded ended) {
                    throw ended.failure();
                }
                if (event instanceof EndOfInput || (event instanceof Line line && !handle(session, line.text()))) {
                    break;
                }
            }
            session.close();
            CliMain.await(session.closed());
        }
        return failedToSend ? ExitStatus.FAILURE : ExitStatus.OK;
    }

    /** @return false to end the chat */
    private boolean handle(CcpSession session, String line) {
        if (line.startsWith("//")) {
            send(session, line.substring(1));
        } else if (line.startsWith("/")) {
            String[] words = line.strip().split("\\s+", 2);
            switch (words[0]) {
                case "/quit" -> {
                    return false;
                }
                case "/help" -> main.err.println(HELP);
                case "/presence" -> {
                    if (words.length < 2) {
                        main.err.println("usage: /presence STATE");
                    } else {
                        CliMain.await(session.setPresence(words[1]));
                    }
                }
                default -> main.err.println("unknown command " + Text.printable(words[0]) + "; /help lists them");
            }
        } else if (!line.isBlank()) {
            send(session, line);
        }
        return true;
    }

    private void send(CcpSession session, String text) {
        try {
            CliMain.await(session.send(target.channel, text.getBytes(StandardCharsets.UTF_8)));
        } catch (CcpException e) {
            failedToSend = true;
            main.err.println("not sent: " + Text.printable(CliMain.describe(e)));
        } catch (CliFailure e) {
            failedToSend = true;
            main.err.println("not sent: " + e.getMessage());
        }
    }

    /** Reads stdin on its own (daemon) thread: a line or the end of input becomes an event. */
    private void readInput() {
        Thread reader = new Thread(() -> {
            BufferedReader lines = new BufferedReader(new InputStreamReader(main.in, StandardCharsets.UTF_8));
            try {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    events.add(new Line(line));
                }
            } catch (IOException e) {
                main.err.println("cannot read input: " + e);
            }
            events.add(new EndOfInput());
        }, "ccp-cli-input");
        reader.setDaemon(true);
        reader.start();
    }
}
