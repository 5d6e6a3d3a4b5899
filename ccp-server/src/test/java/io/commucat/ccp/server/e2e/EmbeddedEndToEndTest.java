package io.commucat.ccp.server.e2e;

/** The end-to-end suite on the embedded default (H2 file + in-process presence). */
class EmbeddedEndToEndTest extends AbstractEndToEndTest {

    @Override
    Backend backend(String runId) {
        return new EmbeddedBackend();
    }
}
