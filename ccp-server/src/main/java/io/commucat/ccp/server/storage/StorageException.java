package io.commucat.ccp.server.storage;

/** A storage port could not do what was asked. Callers branch on {@link #kind()}. */
public final class StorageException extends Exception {

    public enum Kind {
        /** The backend is down or timed out; the request may be retried later. */
        UNAVAILABLE,
        /** A uniqueness rule was hit (a handle or device id that exists). */
        CONFLICT,
        /** A limit the caller asked to enforce was reached (active devices per user). */
        LIMIT_REACHED,
        /** Stored data does not parse (a bug or manual edits). */
        CORRUPT,
        /**
         * The backend refused a value (too long for its column, a character it cannot store):
         * input that escaped validation; retrying cannot help.
         */
        INVALID
    }

    private final Kind kind;

    public StorageException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public StorageException(Kind kind, String message) {
        this(kind, message, null);
    }

    public Kind kind() {
        return kind;
    }
}
