package io.commucat.ccp.server.e2e;

/** Device key rotation end to end on the embedded default (H2 file + in-process presence). */
class EmbeddedRotationEndToEndTest extends AbstractRotationEndToEndTest {

    @Override
    Backend backend(String runId) {
        return new EmbeddedBackend();
    }
}
