package io.commucat.ccp.server.http.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /readyz}: 200 {@code {"status":"ready","dependencies":{"postgres":"up",...}}} when
 * every check passes, else 503 with {@code "status":"not_ready"} and the failing ones
 * {@code "down"} (a check that throws or takes longer than {@code timeout} is down).
 *
 * <p>Threading: checks may do I/O, so each runs on {@code executor}, never on an event loop;
 * they run in parallel and the future completes on one of those threads.
 */
public final class ReadinessEndpoint implements RestEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger(ReadinessEndpoint.class);

    private final Map<String, BooleanSupplier> checks;
    private final Executor executor;
    private final Duration timeout;

    /** @param checks dependency name → check, in the order the body lists them */
    public ReadinessEndpoint(Map<String, BooleanSupplier> checks, Executor executor, Duration timeout) {
        this.checks = new LinkedHashMap<>(checks);
        this.executor = executor;
        this.timeout = timeout;
    }

    @Override
    public CompletableFuture<RestResponse> handle(RestRequest request) {
        List<String> names = new ArrayList<>(checks.keySet());
        List<CompletableFuture<Boolean>> results = new ArrayList<>();
        for (String name : names) {
            results.add(CompletableFuture.supplyAsync(() -> run(name), executor)
                    .completeOnTimeout(false, timeout.toMillis(), TimeUnit.MILLISECONDS));
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            ObjectNode dependencies = Json.object();
            boolean ready = true;
            for (int i = 0; i < names.size(); i++) {
                boolean up = results.get(i).join();
                ready &= up;
                dependencies.put(names.get(i), up ? "up" : "down");
            }
            ObjectNode body = Json.object();
            body.put("status", ready ? "ready" : "not_ready");
            body.set("dependencies", dependencies);
            return RestResponse.json(ready ? 200 : 503, Json.bytes(body));
        });
    }

    private boolean run(String name) {
        try {
            return checks.get(name).getAsBoolean();
        } catch (RuntimeException e) {
            LOG.warn("readiness check {} failed: {}", name, e.getClass().getSimpleName());
            return false;
        }
    }
}
