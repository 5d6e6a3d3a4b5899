package io.commucat.ccp.server.e2e;

/** Quotas and memory budgets on PostgreSQL + Redis (the production storage). */
class PostgresRedisQuotaEndToEndTest extends AbstractQuotaEndToEndTest {

    @Override
    Backend backend(String runId) {
        return new PostgresRedisBackend(runId);
    }
}
