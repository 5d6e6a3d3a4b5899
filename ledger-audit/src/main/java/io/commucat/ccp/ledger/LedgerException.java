package io.commucat.ccp.ledger;

/** A ledger operation that failed, with the reason as a closed kind. */
public final class LedgerException extends Exception {

    public enum Kind {
        /** The ledger was closed before the event was accepted. */
        CLOSED,
        /** Writing failed; the event is not known to be on disk. The ledger stays failed. */
        WRITE_FAILED,
        /** Another process holds the ledger directory. */
        IN_USE,
        /** The ledger directory or its current file could not be opened. */
        OPEN_FAILED
    }

    private final Kind kind;

    public LedgerException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
