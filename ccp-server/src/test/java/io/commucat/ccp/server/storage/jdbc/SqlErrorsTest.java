package io.commucat.ccp.server.storage.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.commucat.ccp.server.storage.StorageException.Kind;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class SqlErrorsTest {

    @Test
    void integrityViolationIsAConflict() {
        assertEquals(Kind.CONFLICT, SqlErrors.kindOf(new SQLException("duplicate", "23505")));
    }

    @Test
    void dataExceptionIsInvalidNotUnavailable() {
        assertEquals(Kind.INVALID, SqlErrors.kindOf(new SQLException("value too long", "22001")));
        assertEquals(Kind.INVALID, SqlErrors.kindOf(new SQLException("invalid byte sequence", "22021")));
    }

    @Test
    void wrappedStateIsFound() {
        assertEquals(Kind.INVALID, SqlErrors.kindOf(new SQLException("pool", null, new SQLException("long", "22001"))));
    }

    @Test
    void anythingElseMaySucceedOnARetry() {
        assertEquals(Kind.UNAVAILABLE, SqlErrors.kindOf(new SQLException("connection refused", "08001")));
        assertEquals(Kind.UNAVAILABLE, SqlErrors.kindOf(new SQLException("no state")));
    }
}
