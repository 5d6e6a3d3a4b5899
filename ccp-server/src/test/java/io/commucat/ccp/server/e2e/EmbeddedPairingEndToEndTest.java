package io.commucat.ccp.server.e2e;

/** Pairing and admin enrolment end to end on the embedded default (H2 file + in-process presence). */
class EmbeddedPairingEndToEndTest extends AbstractPairingEndToEndTest {

    @Override
    Backend backend(String runId) {
        return new EmbeddedBackend();
    }
}
