package io.commucat.ccp.server.e2e;

/** Delivery paced by the reader, on PostgreSQL + Redis (the production storage). */
class PostgresRedisDeliveryEndToEndTest extends AbstractDeliveryEndToEndTest {

    @Override
    Backend backend(String runId) {
        return new PostgresRedisBackend(runId);
    }
}
