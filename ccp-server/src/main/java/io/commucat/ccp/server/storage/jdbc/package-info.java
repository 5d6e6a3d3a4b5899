/**
 * The SQL adapters of the storage ports: one JDBC implementation for PostgreSQL (production)
 * and an H2 file (the embedded default), with the schema migrated by Flyway from
 * {@code db/migration/common} (plus {@code db/migration/<vendor>} where dialects differ).
 * {@link io.commucat.ccp.server.storage.jdbc.JdbcStore} opens the database and hands out the
 * adapters.
 */
package io.commucat.ccp.server.storage.jdbc;
