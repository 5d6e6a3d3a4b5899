package io.commucat.ccp.server.e2e;

/** Flood control on PostgreSQL + Redis (the production storage). */
class PostgresRedisFloodControlTest extends AbstractFloodControlTest {

    @Override
    Backend backend(String runId) {
        return new PostgresRedisBackend(runId);
    }
}
