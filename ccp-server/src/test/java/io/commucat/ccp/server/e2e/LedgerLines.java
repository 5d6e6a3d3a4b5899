package io.commucat.ccp.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.commucat.ccp.server.config.ServerConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A node's audit ledger as the operator sees it: the JSON lines of its files, oldest first.
 * Events are written after the fact by the ledger's writer thread, so tests wait for them.
 */
final class LedgerLines {

    private static final ObjectMapper JSON = new ObjectMapper();

    private LedgerLines() {
    }

    /** {@code <dir>/<prefix>-NNNNNN.jsonl}, oldest first. */
    static List<Path> files(ServerConfig.Ledger ledger) throws IOException {
        String prefix = ledger.prefix() + "-";
        try (Stream<Path> entries = Files.list(ledger.directory())) {
            return entries.filter(p -> {
                String name = p.getFileName().toString();
                return name.startsWith(prefix) && name.endsWith(".jsonl");
            }).sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
        }
    }

    /** Every record written so far (whole lines only: a line being written is left for later). */
    static List<JsonNode> records(ServerConfig.Ledger ledger) throws IOException {
        List<JsonNode> records = new ArrayList<>();
        for (Path file : files(ledger)) {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            int end = text.lastIndexOf('\n');
            if (end < 0) {
                continue;
            }
            for (String line : text.substring(0, end).split("\n")) {
                records.add(JSON.readTree(line));
            }
        }
        return records;
    }

    /** The first record matching {@code match}, waiting up to 5 s for it to be written. */
    static JsonNode await(TestNode node, String what, Predicate<JsonNode> match) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (true) {
            for (JsonNode record : records(node.config.ledger())) {
                if (match.test(record)) {
                    return record;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no ledger record within 5 s: " + what);
            }
            Thread.sleep(20);
        }
    }

    /** Matches records of {@code scope} whose {@code action} or {@code result} is {@code name} and whose {@code device} is {@code deviceId}. */
    static Predicate<JsonNode> event(String scope, String name, String deviceId) {
        return r -> scope.equals(r.path("scope").asText())
                && (name.equals(r.path("action").asText()) || name.equals(r.path("result").asText()))
                && deviceId.equals(r.path("device").asText());
    }
}
