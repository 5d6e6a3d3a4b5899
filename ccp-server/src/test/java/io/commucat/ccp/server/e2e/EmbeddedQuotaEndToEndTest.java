package io.commucat.ccp.server.e2e;

/** Quotas and memory budgets on the embedded default (H2 file + in-process presence). */
class EmbeddedQuotaEndToEndTest extends AbstractQuotaEndToEndTest {

    @Override
    Backend backend(String runId) {
        return new EmbeddedBackend();
    }
}
