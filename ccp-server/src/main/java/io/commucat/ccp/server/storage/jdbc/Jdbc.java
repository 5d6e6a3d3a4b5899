package io.commucat.ccp.server.storage.jdbc;

import io.commucat.ccp.server.storage.StorageException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Runs parameterized SQL on pooled connections for the JDBC adapters, and converts between Java
 * and column values the same way for PostgreSQL and H2. Thread-safe; every call blocks its
 * caller for the round trips to the database.
 *
 * <p>Instants are written as UTC {@code TIMESTAMP WITH TIME ZONE} truncated to microseconds,
 * the finest precision both databases keep; truncating here (rather than letting the database
 * round) makes the stored value predictable.
 */
final class Jdbc {

    /** Work done with one connection. */
    @FunctionalInterface
    interface Work<T> {
        T apply(Connection connection) throws SQLException, StorageException;
    }

    /** Maps the current row of a result set. */
    @FunctionalInterface
    interface RowMapper<T> {
        T map(ResultSet row) throws SQLException;
    }

    private final DataSource dataSource;

    Jdbc(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** Runs {@code work} in auto-commit mode: each statement is its own transaction. */
    <T> T call(String what, Work<T> work) throws StorageException {
        try (Connection connection = dataSource.getConnection()) {
            return work.apply(connection);
        } catch (SQLException e) {
            throw SqlErrors.translate(what, e);
        }
    }

    /**
     * Runs {@code work} in one transaction: committed when it returns, rolled back when it
     * throws. The pool restores auto-commit when the connection goes back.
     */
    <T> T inTransaction(String what, Work<T> work) throws StorageException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.apply(connection);
                connection.commit();
                return result;
            } catch (SQLException | StorageException | RuntimeException e) {
                rollback(connection, e);
                throw e;
            }
        } catch (SQLException e) {
            throw SqlErrors.translate(what, e);
        }
    }

    static int update(Connection connection, String sql, Object... params) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, params);
            return statement.executeUpdate();
        }
    }

    static <T> Optional<T> queryOne(Connection connection, String sql, RowMapper<T> mapper, Object... params)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, params);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? Optional.of(mapper.map(rows)) : Optional.empty();
            }
        }
    }

    static <T> List<T> queryList(Connection connection, String sql, RowMapper<T> mapper, Object... params)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, params);
            try (ResultSet rows = statement.executeQuery()) {
                List<T> result = new ArrayList<>();
                while (rows.next()) {
                    result.add(mapper.map(rows));
                }
                return result;
            }
        }
    }

    /** The column as an instant; null when SQL NULL. */
    static Instant instant(ResultSet row, String column) throws SQLException {
        OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    /** What an instant becomes when stored (and so what it reads back as). */
    static Instant stored(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MICROS);
    }

    /** The column value an instant is written as. */
    static OffsetDateTime timestamp(Instant instant) {
        return OffsetDateTime.ofInstant(stored(instant), ZoneOffset.UTC);
    }

    private static void bind(PreparedStatement statement, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            Object value = params[i];
            if (value instanceof Instant instant) {
                statement.setObject(i + 1, timestamp(instant));
            } else if (value instanceof byte[] bytes) {
                statement.setBytes(i + 1, bytes);
            } else {
                // Null goes untyped; both databases infer the type from the column or expression.
                statement.setObject(i + 1, value);
            }
        }
    }

    private static void rollback(Connection connection, Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }
}
