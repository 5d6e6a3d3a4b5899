package io.commucat.ccp.server.storage.embedded;

import io.commucat.ccp.server.storage.Bus;
import io.commucat.ccp.server.storage.BusContract;

/** The Bus contract in one JVM: the buses of a test share one hub, as nodes in one process would. */
class EmbeddedBusTest implements BusContract {

    private final EmbeddedBus.Hub hub = new EmbeddedBus.Hub();

    @Override
    public Bus newBus() {
        return new EmbeddedBus(hub);
    }
}
