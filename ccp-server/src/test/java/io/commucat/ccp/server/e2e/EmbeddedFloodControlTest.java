package io.commucat.ccp.server.e2e;

/** Flood control on the embedded default (H2 file + in-process presence). */
class EmbeddedFloodControlTest extends AbstractFloodControlTest {

    @Override
    Backend backend(String runId) {
        return new EmbeddedBackend();
    }
}
