package io.commucat.ccp.server.e2e;

/** The whole story of issue #16 on the embedded default: one node (H2 file + in-process presence). */
class EmbeddedStoryEndToEndTest extends AbstractStoryEndToEndTest {

    @Override
    Backend backend(String runId) {
        return new EmbeddedBackend();
    }

    @Override
    boolean clustered() {
        return false;
    }
}
