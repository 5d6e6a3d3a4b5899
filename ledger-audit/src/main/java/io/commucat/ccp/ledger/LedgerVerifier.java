package io.commucat.ccp.ledger;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a ledger: every line a canonical record whose hash matches, {@code seq} continuing by
 * one and {@code prev} naming the previous hash, across rotated files given oldest first.
 * Stops at the first bad line. A damaged tail that the ledger itself found and recorded (the
 * next file starts with a {@code recover} record naming that file and line) is not a failure:
 * it is reported in {@link VerificationResult.Ok#acknowledged()}.
 */
public final class LedgerVerifier {

    /** Verifies the files in the order given (rotated files oldest first, the current one last). */
    public VerificationResult verify(List<Path> files) {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no files to verify");
        }
        ChainWalk walk = new ChainWalk(files);
        ChainHead head = null;
        long records = 0;
        String continuesFrom = null;
        List<AcknowledgedDamage> acknowledged = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            ChainWalk.FileOutcome outcome = walk.walk(i, head, true);
            if (i == 0) {
                continuesFrom = outcome.continuesFrom();
            }
            records += outcome.records();
            head = outcome.head();
            ChainWalk.Location fault = outcome.fault();
            if (fault != null) {
                boolean recovered = fault.kind() != FailureKind.UNREADABLE && i + 1 < files.size()
                        && RecoveryNote.acknowledges(files.get(i + 1), files.get(i), fault.line(), head);
                if (!recovered) {
                    return new VerificationResult.Failure(files.get(i), fault.line(), fault.kind(), fault.message());
                }
                acknowledged.add(new AcknowledgedDamage(files.get(i), fault.line(), fault.kind(), fault.message(),
                        files.get(i + 1)));
            }
        }
        return new VerificationResult.Ok(records, head == null ? ChainHead.GENESIS : head, continuesFrom, acknowledged);
    }

    /** Verifies every ledger file {@code <prefix>-NNNNNN.jsonl} in {@code directory}, oldest first. */
    public VerificationResult verifyDirectory(Path directory, String prefix) throws IOException {
        List<Path> files = LedgerFiles.list(directory, prefix);
        if (files.isEmpty()) {
            return new VerificationResult.Ok(0, ChainHead.GENESIS, null, List.of());
        }
        return verify(files);
    }
}
