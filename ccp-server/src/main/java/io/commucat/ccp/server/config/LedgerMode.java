package io.commucat.ccp.server.config;

import java.util.Locale;
import java.util.Optional;

/** Where audit records go ({@code [ledger] mode}); the original's three adapters. */
public enum LedgerMode {
    /** Records are dropped. */
    NULL,
    /** Records are printed to standard output (the original calls this {@code debug}). */
    STDOUT,
    /** Records are appended to {@code [ledger] target}, hash-chained. */
    FILE;

    /** Parses {@code null}, {@code debug} (alias {@code stdout}) or {@code file}, any case. */
    static Optional<LedgerMode> parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "null" -> Optional.of(NULL);
            case "debug", "stdout" -> Optional.of(STDOUT);
            case "file" -> Optional.of(FILE);
            default -> Optional.empty();
        };
    }
}
