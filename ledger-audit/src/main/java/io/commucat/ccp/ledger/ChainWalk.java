package io.commucat.ccp.ledger;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Walks the lines of one file of a list, linking each record to the one before: {@code seq}
 * continues by one and {@code prev} is the previous {@code hash}. On the first break it reads
 * on (the rest of this file and the later files) only to tell the kinds apart: a gap whose
 * missing {@code seq} shows up later is a reorder, one that never does is a removal.
 */
final class ChainWalk {

    /** How one file went; {@code head} is after its last good record (the carried head if none). */
    record FileOutcome(ChainHead head, long records, String continuesFrom, Location fault) {
    }

    record Location(long line, FailureKind kind, String message) {
    }

    private final List<Path> files;

    ChainWalk(List<Path> files) {
        this.files = List.copyOf(files);
    }

    /**
     * Walks file {@code index}. {@code carried} is the head the file must continue, or {@code
     * null} when nothing comes before: then the first record must start the chain (seq 1,
     * genesis prev) or, when {@code strictStart} is false or it is a rotation/recovery record,
     * is taken as it is.
     */
    FileOutcome walk(int index, ChainHead carried, boolean strictStart) {
        Path file = files.get(index);
        ChainHead head = carried;
        long records = 0;
        String continuesFrom = null;
        try (LineReader reader = new LineReader(file)) {
            long lineNo = 0;
            for (LineReader.Line line = reader.next(); line != null; line = reader.next()) {
                lineNo++;
                RecordCheck.Checked checked = RecordCheck.check(line);
                if (checked instanceof RecordCheck.Fault fault) {
                    return new FileOutcome(head, records, continuesFrom, new Location(lineNo, fault.kind(), fault.message()));
                }
                RecordCheck.Parsed record = (RecordCheck.Parsed) checked;
                Location broken = head == null
                        ? start(record, strictStart)
                        : link(record, head, index, lineNo);
                if (broken == null && lineNo == 1 && index > 0) {
                    broken = namesPrevious(record, files.get(index - 1));
                }
                if (broken != null) {
                    return new FileOutcome(head, records, continuesFrom, new Location(lineNo, broken.kind(), broken.message()));
                }
                if (head == null && record.isContinuation()) {
                    continuesFrom = record.previousFile();
                }
                head = record.head();
                records++;
            }
        } catch (IOException e) {
            return new FileOutcome(head, records, continuesFrom, new Location(0, FailureKind.UNREADABLE, describe(e)));
        }
        return new FileOutcome(head, records, continuesFrom, null);
    }

    private static Location start(RecordCheck.Parsed record, boolean strict) {
        if (!strict || record.isContinuation()) {
            return null;
        }
        if (record.seq() != 1) {
            return new Location(0, FailureKind.REMOVED, "the first record has seq " + record.seq()
                    + " and names no previous file: records before it are missing");
        }
        if (!record.prev().equals(ChainHead.GENESIS_HASH)) {
            return new Location(0, FailureKind.EDITED, "the first record's prev is not the genesis value");
        }
        return null;
    }

    private Location link(RecordCheck.Parsed record, ChainHead head, int index, long lineNo) {
        long expected = head.seq() + 1;
        if (record.seq() == expected) {
            if (record.prev().equals(head.hash())) {
                return null;
            }
            if (nextSeq(index, lineNo) == record.seq()) {
                return new Location(0, FailureKind.INSERTED, "seq " + record.seq()
                        + " is not linked to the record before, and the next record has the same seq");
            }
            return new Location(0, FailureKind.EDITED, "prev does not match the hash of the record before (seq "
                    + head.seq() + "): this record or the one before was rewritten");
        }
        if (record.seq() < expected) {
            return new Location(0, FailureKind.INSERTED, "seq " + record.seq() + " was already used (expected "
                    + expected + ")");
        }
        if (appearsLater(index, lineNo, expected, record.seq() - 1)) {
            return new Location(0, FailureKind.REORDERED, "seq " + record.seq() + " comes before seq " + expected
                    + ", which appears later");
        }
        long missing = record.seq() - expected;
        return new Location(0, FailureKind.REMOVED, "seq jumps from " + head.seq() + " to " + record.seq() + ": "
                + missing + (missing == 1 ? " record is" : " records are") + " missing before this line");
    }

    private static Location namesPrevious(RecordCheck.Parsed record, Path previous) {
        String expected = previous.getFileName().toString();
        if (record.isContinuation() && !record.previousFile().equals(expected)) {
            return new Location(0, FailureKind.REORDERED, "this file continues " + record.previousFile()
                    + " but is given after " + expected);
        }
        return null;
    }

    /** The seq of the line after {@code lineNo} (possibly in the next file), or -1. */
    private long nextSeq(int index, long lineNo) {
        long[] found = {-1};
        followingSeqs(index, lineNo, seq -> {
            found[0] = seq;
            return false;
        });
        return found[0];
    }

    private boolean appearsLater(int index, long lineNo, long from, long to) {
        boolean[] found = {false};
        followingSeqs(index, lineNo, seq -> {
            found[0] = seq >= from && seq <= to;
            return !found[0];
        });
        return found[0];
    }

    private interface SeqVisitor {
        /** Returns whether to go on. */
        boolean visit(long seq);
    }

    /** Visits the seq of each parsable line after {@code lineNo} of file {@code index}, then the later files. */
    private void followingSeqs(int index, long lineNo, SeqVisitor visitor) {
        for (int i = index; i < files.size(); i++) {
            try (LineReader reader = new LineReader(files.get(i))) {
                long n = 0;
                for (LineReader.Line line = reader.next(); line != null; line = reader.next()) {
                    if (++n <= lineNo && i == index) {
                        continue;
                    }
                    if (RecordCheck.check(line) instanceof RecordCheck.Parsed parsed && !visitor.visit(parsed.seq())) {
                        return;
                    }
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    static String describe(IOException e) {
        String reason = e.getClass().getSimpleName();
        return e instanceof java.nio.file.NoSuchFileException ? "no such file" : "cannot read (" + reason + ")";
    }
}
