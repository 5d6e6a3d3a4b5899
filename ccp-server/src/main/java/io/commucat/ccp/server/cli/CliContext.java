package io.commucat.ccp.server.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.Objects;

/**
 * What the commands need from the outside world, passed in so tests run them in-process with
 * a fake environment, captured output and a stub server.
 */
public record CliContext(Map<String, String> environment, PrintWriter out, PrintWriter err, ServerStarter starter) {

    public CliContext {
        environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(err, "err");
        Objects.requireNonNull(starter, "starter");
    }
}
