package io.commucat.ccp.server.e2e;

/** The end-to-end suite on PostgreSQL + Redis (the production storage). */
class PostgresRedisEndToEndTest extends AbstractEndToEndTest {

    @Override
    Backend backend(String runId) {
        return new PostgresRedisBackend(runId);
    }
}
