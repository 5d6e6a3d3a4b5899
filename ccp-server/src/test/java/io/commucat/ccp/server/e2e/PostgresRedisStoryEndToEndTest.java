package io.commucat.ccp.server.e2e;

/**
 * The whole story of issue #16 on PostgreSQL + Redis with two nodes: the second device is on
 * the other node when it is revoked.
 */
class PostgresRedisStoryEndToEndTest extends AbstractStoryEndToEndTest {

    @Override
    Backend backend(String runId) {
        return new PostgresRedisBackend(runId);
    }

    @Override
    boolean clustered() {
        return true;
    }
}
