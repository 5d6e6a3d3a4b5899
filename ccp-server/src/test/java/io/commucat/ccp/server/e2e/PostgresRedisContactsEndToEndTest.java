package io.commucat.ccp.server.e2e;

/** The contacts suite on PostgreSQL + Redis (the production storage). */
class PostgresRedisContactsEndToEndTest extends AbstractContactsEndToEndTest {

    @Override
    Backend backend(String runId) {
        return new PostgresRedisBackend(runId);
    }
}
