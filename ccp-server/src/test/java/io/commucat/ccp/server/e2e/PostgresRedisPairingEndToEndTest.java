package io.commucat.ccp.server.e2e;

/** Pairing and admin enrolment end to end on PostgreSQL + Redis (the production storage). */
class PostgresRedisPairingEndToEndTest extends AbstractPairingEndToEndTest {

    @Override
    Backend backend(String runId) {
        return new PostgresRedisBackend(runId);
    }
}
