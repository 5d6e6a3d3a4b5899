package io.commucat.ccp.ledger;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * Decides, when a {@link FileLedger} opens, where the chain goes on. The current (highest
 * numbered) file is verified on its own; files before it were complete when the ledger rotated
 * away from them and are left to {@code ccp ledger verify}.
 * <ul>
 *   <li>sound and not empty: append to it, continuing from its last record;</li>
 *   <li>empty (a crash right after rotation): write the missing rotation record into it;</li>
 *   <li>damaged (a cut-short write, an edit): keep it untouched and open the next file, whose
 *       first record ({@code action: recover}) names the file, line and kind of damage, and
 *       continues from the last good record before it.</li>
 * </ul>
 */
final class FileRecovery {

    /**
     * Where to write: {@code file} (number {@code index}), continuing {@code head}; {@code
     * first} is the record to write before anything else (or {@code null}); {@code startedAt}
     * is the first record's time in a file being continued ({@code null} for a fresh file);
     * {@code damage} is what was found ({@code null} if nothing).
     */
    record Resume(Path file, long index, ChainHead head, LedgerEvent first, Instant startedAt,
            AcknowledgedDamage damage) {
    }

    private FileRecovery() {
    }

    static Resume resume(Path directory, String prefix) throws IOException {
        List<Path> files = LedgerFiles.list(directory, prefix);
        if (files.isEmpty()) {
            return new Resume(LedgerFiles.path(directory, prefix, 1), 1, ChainHead.GENESIS, null, null, null);
        }
        int last = files.size() - 1;
        Path current = files.get(last);
        long index = LedgerFiles.index(current, prefix);
        ChainWalk.FileOutcome outcome = alone(current);
        ChainWalk.Location fault = outcome.fault();
        if (fault != null && fault.kind() == FailureKind.UNREADABLE) {
            throw new IOException(current + ": " + fault.message());
        }
        if (fault == null && outcome.records() > 0) {
            return new Resume(current, index, outcome.head(), null, firstRecordedAt(current), null);
        }
        if (fault == null) {
            return last == 0
                    ? new Resume(current, index, ChainHead.GENESIS, null, null, null)
                    : continueAfter(files, last - 1, current, index);
        }
        ChainHead before = outcome.records() > 0 ? outcome.head() : headBefore(files, last);
        Path next = LedgerFiles.path(directory, prefix, index + 1);
        LedgerEvent note = RecoveryNote.recovery(current, fault.line(), fault.kind(), fault.message());
        return new Resume(next, index + 1, before, note, null,
                new AcknowledgedDamage(current, fault.line(), fault.kind(), fault.message(), next));
    }

    /** The current file is empty: it continues file {@code previous}, sound or damaged. */
    private static Resume continueAfter(List<Path> files, int previous, Path current, long index) {
        Path prior = files.get(previous);
        ChainWalk.FileOutcome outcome = alone(prior);
        ChainHead head = outcome.records() > 0 ? outcome.head() : headBefore(files, previous);
        ChainWalk.Location fault = outcome.fault();
        if (fault == null) {
            return new Resume(current, index, head, RecoveryNote.rotation(prior), null, null);
        }
        return new Resume(current, index, head, RecoveryNote.recovery(prior, fault.line(), fault.kind(), fault.message()),
                null, new AcknowledgedDamage(prior, fault.line(), fault.kind(), fault.message(), current));
    }

    /** The head of the last file before {@code index} that holds a good record, else genesis. */
    private static ChainHead headBefore(List<Path> files, int index) {
        for (int i = index - 1; i >= 0; i--) {
            ChainWalk.FileOutcome outcome = alone(files.get(i));
            if (outcome.records() > 0) {
                return outcome.head();
            }
        }
        return ChainHead.GENESIS;
    }

    private static ChainWalk.FileOutcome alone(Path file) {
        return new ChainWalk(List.of(file)).walk(0, null, false);
    }

    private static Instant firstRecordedAt(Path file) throws IOException {
        try (LineReader reader = new LineReader(file)) {
            LineReader.Line first = reader.next();
            if (first != null && RecordCheck.check(first) instanceof RecordCheck.Parsed record) {
                return Instant.parse(record.node().path(RecordFields.RECORDED_AT).asText());
            }
        } catch (DateTimeParseException e) {
            // A record with an odd timestamp still chains; age rotation then counts from now.
        }
        return null;
    }
}
