package io.commucat.ccp.server.e2e;

/** Delivery paced by the reader, on the embedded default (H2 file + in-process presence). */
class EmbeddedDeliveryEndToEndTest extends AbstractDeliveryEndToEndTest {

    @Override
    Backend backend(String runId) {
        return new EmbeddedBackend();
    }
}
