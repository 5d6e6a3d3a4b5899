package io.commucat.ccp.ledger;

/** Why a line breaks the chain. The verifier names the first such line. */
public enum FailureKind {
    /** The record's bytes no longer match its hash, or its {@code prev} no longer matches the line before. */
    EDITED,
    /** {@code seq} jumps forward and the missing records appear nowhere later: lines were deleted. */
    REMOVED,
    /** A record whose {@code seq} was already used (a copy, or a forged extra record). */
    INSERTED,
    /** {@code seq} jumps forward and a missing record appears later; or files are given out of order. */
    REORDERED,
    /** The last line has no '\n': a write was cut short (a crash) or the file was cut mid-line. */
    TRUNCATED,
    /** Not a JSON object: garbage, an empty line, or a line merged with the next. */
    UNPARSABLE,
    /** JSON, but not a ledger record: {@code seq}, {@code prev} or {@code hash} missing or ill-formed. */
    MALFORMED,
    /** The file could not be read at all. */
    UNREADABLE
}
