package io.commucat.ccp.ledger;

import java.nio.file.Path;
import java.util.List;

/** What {@link LedgerVerifier} found: the whole chain holds, or the first line that breaks it. */
public sealed interface VerificationResult permits VerificationResult.Ok, VerificationResult.Failure {

    boolean ok();

    /**
     * The chain holds. {@code continuesFrom} is the file named by the first record when the
     * files given start mid-chain (older files were archived), else {@code null}; {@code head}
     * is the last record's seq and hash ({@link ChainHead#GENESIS} when there were none).
     */
    record Ok(long records, ChainHead head, String continuesFrom, List<AcknowledgedDamage> acknowledged)
            implements VerificationResult {

        public Ok {
            acknowledged = List.copyOf(acknowledged);
        }

        @Override
        public boolean ok() {
            return true;
        }
    }

    /** The first bad line ({@code line} counts from 1; 0 when the file itself failed). */
    record Failure(Path file, long line, FailureKind kind, String message) implements VerificationResult {

        @Override
        public boolean ok() {
            return false;
        }

        @Override
        public String toString() {
            return file + ":" + line + ": " + kind + ": " + message;
        }
    }
}
