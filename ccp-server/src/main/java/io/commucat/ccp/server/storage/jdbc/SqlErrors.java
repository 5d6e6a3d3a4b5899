package io.commucat.ccp.server.storage.jdbc;

import io.commucat.ccp.server.storage.StorageException;
import io.commucat.ccp.server.storage.StorageException.Kind;
import java.sql.SQLException;

/**
 * Maps {@link SQLException}s to {@link StorageException} kinds by SQLSTATE, which PostgreSQL
 * and H2 share for the cases that matter here. Stateless.
 */
final class SqlErrors {

    private SqlErrors() {
    }

    /**
     * @param what the operation, for the message (never user input: messages reach logs)
     */
    static StorageException translate(String what, SQLException e) {
        Kind kind = kindOf(e);
        return new StorageException(kind, what + ": " + describe(kind, sqlState(e)), e);
    }

    static Kind kindOf(SQLException e) {
        String state = sqlState(e);
        if (state != null && state.startsWith("23")) {
            // Integrity constraint violation: unique (23505), foreign key (23503), check.
            return Kind.CONFLICT;
        }
        if (state != null && state.startsWith("22")) {
            // Data exception: a value too long (22001), a NUL in text (22021), out of range.
            return Kind.INVALID;
        }
        // Everything else (lost connections, pool timeouts, lock timeouts, serialization
        // failures, shutdowns, and errors without a better kind) may succeed on a retry.
        return Kind.UNAVAILABLE;
    }

    /** Whether {@code e} says a row with the same key exists. */
    static boolean isUniqueViolation(SQLException e) {
        return "23505".equals(sqlState(e));
    }

    /** The first SQLSTATE in the chain; drivers and the pool sometimes wrap the real one. */
    private static String sqlState(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
        }
        return null;
    }

    private static String describe(Kind kind, String state) {
        String detail = state == null ? "no SQLSTATE" : "SQLSTATE " + state;
        return switch (kind) {
            case CONFLICT -> "integrity rule violated (" + detail + ")";
            case UNAVAILABLE -> "database unavailable or failed (" + detail + ")";
            case INVALID -> "value refused by the database (" + detail + ")";
            default -> kind + " (" + detail + ")";
        };
    }
}
