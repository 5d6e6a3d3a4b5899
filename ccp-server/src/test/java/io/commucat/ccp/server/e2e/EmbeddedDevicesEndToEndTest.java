package io.commucat.ccp.server.e2e;

/** Devices, revocation and token authentication on the embedded default (H2 file + in-process presence). */
class EmbeddedDevicesEndToEndTest extends AbstractDevicesEndToEndTest {

    @Override
    Backend backend(String runId) {
        return new EmbeddedBackend();
    }
}
