package io.commucat.ccp.server.e2e;

/** Devices, revocation and token authentication on PostgreSQL + Redis (the production storage). */
class PostgresRedisDevicesEndToEndTest extends AbstractDevicesEndToEndTest {

    @Override
    Backend backend(String runId) {
        return new PostgresRedisBackend(runId);
    }
}
