package io.commucat.ccp.ledger;

import java.nio.file.Path;

/**
 * A damaged tail that the ledger found when it opened, kept, and recorded in the first line of
 * the next file ({@code scope: ledger, action: recover}); the chain continues from the last
 * good record before {@code line}. The lines from {@code line} on are outside the chain.
 */
public record AcknowledgedDamage(Path file, long line, FailureKind kind, String message, Path acknowledgedIn) {
}
