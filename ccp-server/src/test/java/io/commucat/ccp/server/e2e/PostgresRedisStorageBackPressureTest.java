package io.commucat.ccp.server.e2e;

/** Storage back-pressure on PostgreSQL + Redis (the production storage). */
class PostgresRedisStorageBackPressureTest extends AbstractStorageBackPressureTest {

    @Override
    Backend backend(String runId) {
        return new PostgresRedisBackend(runId);
    }
}
