package io.commucat.ccp.server.e2e;

/** The contacts suite on the embedded default (H2 file + in-process presence). */
class EmbeddedContactsEndToEndTest extends AbstractContactsEndToEndTest {

    @Override
    Backend backend(String runId) {
        return new EmbeddedBackend();
    }
}
