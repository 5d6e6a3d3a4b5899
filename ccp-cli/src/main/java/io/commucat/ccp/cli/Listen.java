package io.commucat.ccp.cli;

import io.commucat.ccp.client.CcpClient;
import io.commucat.ccp.client.CcpException;
import io.commucat.ccp.client.CcpSession;
import io.commucat.ccp.client.IncomingMessage;
import io.commucat.ccp.client.SessionListener;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code listen --channel N [--count K] [--timeout S]}: prints each message of channel N as one line. */
@Command(name = "listen", mixinStandardHelpOptions = true,
        description = {"Join channel N and print each message received there as one line of UTF-8"
                + " (control characters escaped: \\n, \\r, \\u001b ...).",
            "With --count, exit 0 after K messages, or with status 75 when fewer came within --timeout;"
                + " without it, print until the timeout and exit 0.",
            "Messages of other channels, and those past K, are left queued for the next session."})
final class Listen implements Callable<Integer> {

    @ParentCommand
    private CliMain main;

    @Spec
    private CommandSpec spec;

    @Mixin
    private ChannelOptions target;

    @Option(names = "--count", paramLabel = "K", description = "Exit 0 after K messages.")
    private Integer count;

    @Option(names = "--timeout", paramLabel = "S", defaultValue = "60",
            description = "Seconds to wait (default: ${DEFAULT-VALUE}; 0: no limit).")
    private long timeoutSeconds;

    @Override
    public Integer call() throws InterruptedException {
        if ((count != null && count < 1) || timeoutSeconds < 0) {
            throw new ParameterException(spec.commandLine(), "--count must be at least 1 and --timeout at least 0");
        }
        int wanted = count == null ? Integer.MAX_VALUE : count;
        AtomicInteger printed = new AtomicInteger();
        CompletableFuture<Void> done = new CompletableFuture<>();
        SessionListener printer = new SessionListener() {
            @Override
            public void onMessage(IncomingMessage message) {
                if (message.channel() != target.channel || done.isDone()) {
                    throw LeaveQueued.INSTANCE;
                }
                main.out.println(Text.line(message.payload()));
                main.out.flush();
                if (printed.incrementAndGet() >= wanted) {
                    done.complete(null);
                }
            }

            @Override
            public void onClosed(CcpException failure) {
                if (failure != null) {
                    done.completeExceptionally(failure);
                }
            }
        };
        boolean timedOut = false;
        try (CcpClient client = main.client()) {
            CcpSession session = CliMain.await(client.connect(printer));
            CliMain.await(target.join(session));
            try {
                if (timeoutSeconds == 0) {
                    done.get();
                } else {
                    done.get(timeoutSeconds, TimeUnit.SECONDS);
                }
            } catch (TimeoutException e) {
                timedOut = true;
                done.complete(null); // what comes now stays queued
            } catch (ExecutionException e) {
                throw (CcpException) e.getCause(); // the session ended under us
            }
            session.close();
            CliMain.await(session.closed());
        }
        if (timedOut && count != null) {
            throw new CliFailure(ExitStatus.TIMEOUT,
                    printed.get() + " of " + count + " messages within " + timeoutSeconds + " s");
        }
        return ExitStatus.OK;
    }
}
