package io.commucat.ccp.server.e2e;

/** Device key rotation end to end on PostgreSQL + Redis (the production storage). */
class PostgresRedisRotationEndToEndTest extends AbstractRotationEndToEndTest {

    @Override
    Backend backend(String runId) {
        return new PostgresRedisBackend(runId);
    }
}
