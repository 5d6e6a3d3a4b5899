package io.commucat.ccp.server.e2e;

/** Storage back-pressure on the embedded default (H2 file + in-process presence). */
class EmbeddedStorageBackPressureTest extends AbstractStorageBackPressureTest {

    @Override
    Backend backend(String runId) {
        return new EmbeddedBackend();
    }
}
